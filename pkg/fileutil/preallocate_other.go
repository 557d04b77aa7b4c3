//go:build !linux

package fileutil

import "os"

func preallocExtend(f *os.File, sizeInBytes int64) error {
	return preallocExtendTrunc(f, sizeInBytes)
}

func preallocFixed(*os.File, int64) error { return nil }
