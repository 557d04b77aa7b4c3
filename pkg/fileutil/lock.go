package fileutil

import (
	"errors"
	"os"
)

// ErrLocked is returned by TryLockFile when another open file holds the
// lock.
var ErrLocked = errors.New("fileutil: file already locked")

// LockedFile is an open file holding an exclusive advisory lock, released
// when the file is closed.
type LockedFile struct {
	*os.File
}

// TryLockFile opens path and takes an exclusive lock on it without
// waiting. It returns ErrLocked if the lock is held elsewhere, including by
// another open file of this process.
func TryLockFile(path string, flag int, perm os.FileMode) (*LockedFile, error) {
	return openLocked(path, flag, perm, false)
}

// LockFile opens path and waits for an exclusive lock on it.
func LockFile(path string, flag int, perm os.FileMode) (*LockedFile, error) {
	return openLocked(path, flag, perm, true)
}

func openLocked(path string, flag int, perm os.FileMode, wait bool) (*LockedFile, error) {
	f, err := os.OpenFile(path, flag, perm)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f, wait); err != nil {
		f.Close()
		return nil, err
	}
	return &LockedFile{File: f}, nil
}
