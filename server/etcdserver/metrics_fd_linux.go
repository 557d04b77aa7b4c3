package etcdserver

import (
	"os"
	"syscall"
)

// fdUsage counts the process's open file descriptors.
func fdUsage() (uint64, error) {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	return uint64(len(fds)), nil
}

// fdLimit is the process's soft limit of open file descriptors.
func fdLimit() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	return rl.Cur, nil
}
