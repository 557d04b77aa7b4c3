//go:build !linux

package fileutil

import "os"

func fdatasync(f *os.File) error {
	return f.Sync()
}
