//go:build !linux

package etcdserver

import "errors"

var errFDNotSupported = errors.New("file descriptor counts are only read on linux")

// fdUsage and fdLimit are not read on this system: os_fd_* stay 0, as
// etcd's.
func fdUsage() (uint64, error) { return 0, errFDNotSupported }
func fdLimit() (uint64, error) { return 0, errFDNotSupported }
