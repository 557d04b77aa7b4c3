package fileutil

import (
	"os"
	"path/filepath"
	"sort"
)

// ReadDirOption filters the names ReadDir returns.
type ReadDirOption func(*readDirOptions)

type readDirOptions struct {
	ext string
}

// WithExt keeps only the names whose extension (as filepath.Ext reports
// it, with the dot) is ext.
func WithExt(ext string) ReadDirOption {
	return func(o *readDirOptions) { o.ext = ext }
}

// ReadDir returns the names in directory d, sorted.
func ReadDir(d string, opts ...ReadDirOption) ([]string, error) {
	var o readDirOptions
	for _, opt := range opts {
		opt(&o)
	}
	dir, err := os.Open(d)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	return filterSorted(names, o.ext), nil
}

func filterSorted(names []string, ext string) []string {
	sort.Strings(names)
	if ext == "" {
		return names
	}
	out := names[:0]
	for _, n := range names {
		if filepath.Ext(n) == ext {
			out = append(out, n)
		}
	}
	return out
}

// OpenDir opens a directory for reading, typically to fsync it after a
// rename or create inside it.
func OpenDir(path string) (*os.File, error) {
	return os.Open(path)
}
