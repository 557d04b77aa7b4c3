//go:build linux

package fileutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Open file description locks (Linux >= 3.15), the kind etcd takes, so
// that our processes and etcd's exclude each other. They belong to the
// open file, like flock, not to the process, like classic POSIX locks.
const (
	fOFDSetlk  = 37 // F_OFD_SETLK
	fOFDSetlkw = 38 // F_OFD_SETLKW
)

func lockFile(f *os.File, wait bool) error {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: int16(io.SeekStart)}
	cmd := fOFDSetlk
	if wait {
		cmd = fOFDSetlkw
	}
	for {
		err := syscall.FcntlFlock(f.Fd(), cmd, &lk)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EINVAL):
			// Kernel without OFD locks.
			return flockFile(f, wait)
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EACCES):
			return fmt.Errorf("%w: %s", ErrLocked, f.Name())
		default:
			return err
		}
	}
}
