package fileutil

import (
	"io"
	"os"
)

// File is the part of *os.File that durable stores use.
type File interface {
	io.Reader
	io.ReaderAt
	io.Writer
	io.Seeker
	io.Closer
	Name() string
	Stat() (os.FileInfo, error)
	// Sync is fsync: data and metadata reach stable storage.
	Sync() error
	// Datasync is fdatasync: data and the metadata needed to read it.
	Datasync() error
	Truncate(size int64) error
	// Preallocate is Preallocate on this file.
	Preallocate(size int64, extend bool) error
}

// FS is the set of file-system operations durable stores go through, so
// that tests can substitute an implementation that fails or "crashes"
// (see package faultfs). OS returns the real one.
type FS interface {
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// LockFile opens name and waits for an exclusive lock held until the
	// file is closed; TryLockFile returns ErrLocked instead of waiting.
	LockFile(name string, flag int, perm os.FileMode) (File, error)
	TryLockFile(name string, flag int, perm os.FileMode) (File, error)
	// OpenDir opens a directory so it can be synced after entries in it
	// are created, renamed or removed.
	OpenDir(name string) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	RemoveAll(name string) error
	MkdirAll(name string, perm os.FileMode) error
	// ReadDir returns the sorted names in dir.
	ReadDir(dir string) ([]string, error)
	Stat(name string) (os.FileInfo, error)
}

// OS returns the FS of the operating system.
func OS() FS { return osFS{} }

// OrOS returns fs, or OS() if fs is nil.
func OrOS(fs FS) FS {
	if fs == nil {
		return OS()
	}
	return fs
}

type osFS struct{}

type osFile struct{ *os.File }

func (f osFile) Datasync() error { return Fdatasync(f.File) }

func (f osFile) Preallocate(size int64, extend bool) error {
	return Preallocate(f.File, size, extend)
}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) LockFile(name string, flag int, perm os.FileMode) (File, error) {
	l, err := LockFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{l.File}, nil
}

func (osFS) TryLockFile(name string, flag int, perm os.FileMode) (File, error) {
	l, err := TryLockFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{l.File}, nil
}

func (osFS) OpenDir(name string) (File, error) {
	f, err := OpenDir(name)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (osFS) Remove(name string) error                     { return os.Remove(name) }
func (osFS) RemoveAll(name string) error                  { return os.RemoveAll(name) }
func (osFS) MkdirAll(name string, perm os.FileMode) error { return os.MkdirAll(name, perm) }
func (osFS) ReadDir(dir string) ([]string, error)         { return ReadDir(dir) }
func (osFS) Stat(name string) (os.FileInfo, error)        { return os.Stat(name) }

// FileExist reports whether name exists in fs.
func FileExist(fs FS, name string) bool {
	_, err := fs.Stat(name)
	return err == nil
}

// SyncDir opens dir in fs and fsyncs it.
func SyncDir(fs FS, dir string) error {
	d, err := fs.OpenDir(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	if serr != nil {
		return serr
	}
	return cerr
}

// WriteAndSyncFile writes data to a new file at name (truncating any old
// one), fsyncs it and closes it.
func WriteAndSyncFile(fs FS, name string, data []byte, perm os.FileMode) error {
	f, err := fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
