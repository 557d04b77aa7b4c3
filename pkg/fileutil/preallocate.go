package fileutil

import (
	"io"
	"os"
)

// Preallocate reserves sizeInBytes of disk space for f. With extendFile the
// file's size grows to sizeInBytes (the new bytes read as zeros); without
// it the size is kept and only blocks are reserved. Where the file system
// cannot allocate, extending falls back to truncate and reserving is a
// no-op.
func Preallocate(f *os.File, sizeInBytes int64, extendFile bool) error {
	if sizeInBytes == 0 {
		return nil // fallocate rejects a zero length
	}
	if extendFile {
		return preallocExtend(f, sizeInBytes)
	}
	return preallocFixed(f, sizeInBytes)
}

// preallocExtendTrunc grows f to sizeInBytes with ftruncate, never
// shrinking it, and keeps the current offset.
func preallocExtendTrunc(f *os.File, sizeInBytes int64) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() >= sizeInBytes {
		return nil
	}
	cur, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if err := f.Truncate(sizeInBytes); err != nil {
		return err
	}
	_, err = f.Seek(cur, io.SeekStart)
	return err
}
