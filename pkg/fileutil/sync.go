package fileutil

import "os"

// Fsync flushes the data and metadata of f to stable storage.
func Fsync(f *os.File) error {
	return f.Sync()
}

// Fdatasync flushes the data of f, and only the metadata needed to read
// it back (such as its size), to stable storage. Where the platform has
// no fdatasync it falls back to fsync.
func Fdatasync(f *os.File) error {
	return fdatasync(f)
}
