//go:build linux

package fileutil

import (
	"os"
	"syscall"
)

func fdatasync(f *os.File) error {
	return syscall.Fdatasync(int(f.Fd()))
}
