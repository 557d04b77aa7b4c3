//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package fileutil

import "os"

func lockFile(f *os.File, wait bool) error { return flockFile(f, wait) }
