package fileutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

const (
	// PrivateFileMode grants the owner read and write access to a file.
	PrivateFileMode = 0o600
	// PrivateDirMode grants the owner access to a directory.
	PrivateDirMode = 0o700
)

// ErrDirNotEmpty is returned by CreateDirAll when the directory already
// holds entries.
var ErrDirNotEmpty = errors.New("fileutil: directory is not empty")

// Exist reports whether name exists.
func Exist(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// DirEmpty reports whether name is a readable, empty directory.
func DirEmpty(name string) bool {
	ns, err := ReadDir(name)
	return err == nil && len(ns) == 0
}

// IsDirWriteable checks that a file can be created and removed in dir.
func IsDirWriteable(dir string) error {
	f, err := filepath.Abs(filepath.Join(dir, ".touch"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(f, nil, PrivateFileMode); err != nil {
		return err
	}
	return os.Remove(f)
}

// CheckDirPermission returns an error if dir does not have exactly perm.
func CheckDirPermission(dir string, perm os.FileMode) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if got := fi.Mode().Perm(); got != perm {
		return fmt.Errorf("directory %q exist, but the permission is %q. The recommended permission is %q to prevent possible unprivileged access to the data", dir, fi.Mode(), os.FileMode(perm))
	}
	return nil
}

// TouchDirAll creates dir (and its parents) with PrivateDirMode if it does
// not exist and checks that it is writable. An existing directory with a
// different permission is accepted; CheckDirPermission reports that case.
func TouchDirAll(dir string) error {
	if !Exist(dir) {
		if err := os.MkdirAll(dir, PrivateDirMode); err != nil {
			return err
		}
	}
	return IsDirWriteable(dir)
}

// CreateDirAll is TouchDirAll that also requires the directory to be empty.
func CreateDirAll(dir string) error {
	if err := TouchDirAll(dir); err != nil {
		return err
	}
	ns, err := ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ns) != 0 {
		return fmt.Errorf("%w: expected %q to be empty, got %q", ErrDirNotEmpty, dir, ns)
	}
	return nil
}

// ZeroToEnd zeroes f from its current offset to its end, keeping the
// blocks allocated, and leaves the offset where it was.
func ZeroToEnd(f *os.File) error {
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if err := f.Truncate(off); err != nil {
		return err
	}
	if err := Preallocate(f, size, true); err != nil {
		return err
	}
	_, err = f.Seek(off, io.SeekStart)
	return err
}
