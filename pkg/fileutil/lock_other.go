//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package fileutil

import "os"

// lockFile is a no-op where no advisory lock is implemented.
func lockFile(*os.File, bool) error { return nil }
