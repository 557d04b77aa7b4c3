package faultfs

import (
	"io"
	"os"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

type file struct {
	fs    *FS
	inner fileutil.File
	path  string // kept current across renames
	dir   bool
	gen   int
}

var _ fileutil.File = (*file)(nil)

func (f *file) alive() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.gen != f.fs.crashed {
		return &os.PathError{Op: "use", Path: f.path, Err: ErrCrashed}
	}
	return nil
}

func (f *file) curPath() string {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return f.path
}

func (f *file) Name() string { return f.inner.Name() }

func (f *file) Stat() (os.FileInfo, error) {
	if err := f.alive(); err != nil {
		return nil, err
	}
	return f.inner.Stat()
}

func (f *file) Read(p []byte) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	if err := f.fs.check(OpRead, f.curPath()); err != nil {
		return 0, err
	}
	return f.inner.Read(p)
}

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	if err := f.fs.check(OpRead, f.curPath()); err != nil {
		return 0, err
	}
	return f.inner.ReadAt(p, off)
}

func (f *file) Seek(off int64, whence int) (int64, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	return f.inner.Seek(off, whence)
}

func (f *file) Write(p []byte) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	path := f.curPath()
	if err := f.fs.check(OpWrite, path); err != nil {
		return 0, err
	}
	off, err := f.inner.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	fi, err := f.inner.Stat()
	if err != nil {
		return 0, err
	}
	old, err := readOld(f.inner, off, int64(len(p)))
	if err != nil {
		return 0, err
	}
	n, werr := f.inner.Write(p)
	if n > 0 {
		f.fs.mu.Lock()
		nd := f.fs.nodeFor(path)
		nd.unsynced = append(nd.unsynced, undo{off: off, n: int64(n), old: old[:n], oldSize: fi.Size()})
		f.fs.mu.Unlock()
	}
	return n, werr
}

func (f *file) sync(fn func() error) error {
	if err := f.alive(); err != nil {
		return err
	}
	path := f.curPath()
	op := OpSync
	if f.dir {
		op = OpSyncDir
	}
	if err := f.fs.check(op, path); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.dir {
		delete(f.fs.dirLog, f.path)
	} else if nd := f.fs.nodes[f.path]; nd != nil {
		nd.unsynced = nil
	}
	return nil
}

func (f *file) Sync() error     { return f.sync(f.inner.Sync) }
func (f *file) Datasync() error { return f.sync(f.inner.Datasync) }

func (f *file) Truncate(size int64) error {
	if err := f.alive(); err != nil {
		return err
	}
	if err := f.fs.check(OpTruncate, f.curPath()); err != nil {
		return err
	}
	if err := f.inner.Truncate(size); err != nil {
		return err
	}
	// Unsynced writes past the new end are gone for good.
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if nd := f.fs.nodes[f.path]; nd != nil {
		kept := nd.unsynced[:0]
		for _, u := range nd.unsynced {
			if u.off >= size {
				continue
			}
			if u.off+u.n > size {
				u.n = size - u.off
				u.old = u.old[:u.n]
			}
			u.oldSize = min(u.oldSize, size)
			kept = append(kept, u)
		}
		nd.unsynced = kept
	}
	return nil
}

func (f *file) Preallocate(size int64, extend bool) error {
	if err := f.alive(); err != nil {
		return err
	}
	if err := f.fs.check(OpPreallocate, f.curPath()); err != nil {
		return err
	}
	if err := f.inner.Preallocate(size, extend); err != nil {
		return err
	}
	// Preallocation is durable: raise the sizes rollback restores to.
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if nd := f.fs.nodes[f.path]; nd != nil && extend {
		for i := range nd.unsynced {
			nd.unsynced[i].oldSize = max(nd.unsynced[i].oldSize, size)
		}
	}
	return nil
}

func (f *file) Close() error {
	f.fs.mu.Lock()
	if f.gen != f.fs.crashed {
		f.fs.mu.Unlock()
		return nil // already closed by Crash
	}
	delete(f.fs.open, f)
	f.fs.mu.Unlock()
	return f.inner.Close()
}
