package faultfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

// SectorSize is the unit a torn write keeps or loses.
const SectorSize = 512

// ErrCrashed is returned by operations on files that were open when Crash
// was called.
var ErrCrashed = errors.New("faultfs: file system crashed")

// ErrInjected is a convenient error for injectors to return.
var ErrInjected = errors.New("faultfs: injected error")

// Op names an operation for an Injector.
type Op int

// The operations an Injector sees.
const (
	OpOpen Op = iota + 1
	OpRead
	OpWrite
	OpSync // Sync or Datasync of a file
	OpSyncDir
	OpTruncate
	OpPreallocate
	OpRename
	OpRemove
	OpMkdir
)

var opNames = map[Op]string{
	OpOpen: "open", OpRead: "read", OpWrite: "write", OpSync: "sync", OpSyncDir: "syncdir",
	OpTruncate: "truncate", OpPreallocate: "preallocate", OpRename: "rename", OpRemove: "remove", OpMkdir: "mkdir",
}

func (o Op) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return fmt.Sprintf("op(%d)", int(o))
}

// Injector is called before each operation with the path it acts on; a
// non-nil result fails the operation with that error, leaving the disk as
// it was.
type Injector func(op Op, path string) error

// Crash describes what a crash leaves of the data that was not synced.
type Crash struct {
	// KeepSectors is how many SectorSize sectors of each file's unsynced
	// data survive, counted from the first sector holding unsynced data.
	// Negative keeps all of it, and every unsynced directory entry too.
	KeepSectors int
	// Zero makes lost bytes read back as zeros, keeping the file size
	// the writes produced, instead of reverting to the old bytes and size.
	Zero bool
}

// FS is a fault-injecting fileutil.FS. Its zero value is not usable; call
// New.
type FS struct {
	inner fileutil.FS

	mu      sync.Mutex
	inject  Injector
	nodes   map[string]*node // by current path
	dirLog  map[string][]dirOp
	open    map[*file]struct{}
	crashed int // generation: files from older generations fail
	counts  map[Op]int
}

// New wraps inner (nil means the real OS).
func New(inner fileutil.FS) *FS {
	return &FS{
		inner:  fileutil.OrOS(inner),
		nodes:  map[string]*node{},
		dirLog: map[string][]dirOp{},
		open:   map[*file]struct{}{},
		counts: map[Op]int{},
	}
}

// SetInjector installs fn (nil removes it).
func (fs *FS) SetInjector(fn Injector) {
	fs.mu.Lock()
	fs.inject = fn
	fs.mu.Unlock()
}

// Count returns how many times op was attempted.
func (fs *FS) Count(op Op) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.counts[op]
}

func (fs *FS) check(op Op, path string) error {
	fs.mu.Lock()
	fs.counts[op]++
	fn := fs.inject
	fs.mu.Unlock()
	if fn != nil {
		if err := fn(op, path); err != nil {
			return &os.PathError{Op: op.String(), Path: path, Err: err}
		}
	}
	return nil
}

// undo is one unsynced write: the bytes it replaced and the size before.
type undo struct {
	off     int64
	n       int64
	old     []byte
	oldSize int64
}

type node struct {
	unsynced []undo
}

type dirOpKind int

const (
	dirCreate dirOpKind = iota
	dirRename
)

type dirOp struct {
	kind     dirOpKind
	from, to string
}

func (fs *FS) nodeFor(path string) *node {
	n := fs.nodes[path]
	if n == nil {
		n = &node{}
		fs.nodes[path] = n
	}
	return n
}

func (fs *FS) openFile(name string, flag int, perm os.FileMode, how func(string, int, os.FileMode) (fileutil.File, error)) (fileutil.File, error) {
	if err := fs.check(OpOpen, name); err != nil {
		return nil, err
	}
	name = filepath.Clean(name)
	existed := fileutil.FileExist(fs.inner, name)
	if flag&os.O_WRONLY != 0 {
		// Writes read the bytes they replace, for rollback.
		flag = flag&^os.O_WRONLY | os.O_RDWR
	}
	f, err := how(name, flag, perm)
	if err != nil {
		return nil, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !existed {
		dir := filepath.Dir(name)
		fs.dirLog[dir] = append(fs.dirLog[dir], dirOp{kind: dirCreate, to: name})
		delete(fs.nodes, name)
	}
	ff := &file{fs: fs, inner: f, path: name, gen: fs.crashed}
	fs.open[ff] = struct{}{}
	return ff, nil
}

// OpenFile implements fileutil.FS.
func (fs *FS) OpenFile(name string, flag int, perm os.FileMode) (fileutil.File, error) {
	return fs.openFile(name, flag, perm, fs.inner.OpenFile)
}

// LockFile implements fileutil.FS.
func (fs *FS) LockFile(name string, flag int, perm os.FileMode) (fileutil.File, error) {
	return fs.openFile(name, flag, perm, fs.inner.LockFile)
}

// TryLockFile implements fileutil.FS.
func (fs *FS) TryLockFile(name string, flag int, perm os.FileMode) (fileutil.File, error) {
	return fs.openFile(name, flag, perm, fs.inner.TryLockFile)
}

// OpenDir implements fileutil.FS; syncing the result makes creations and
// renames in that directory durable.
func (fs *FS) OpenDir(name string) (fileutil.File, error) {
	if err := fs.check(OpOpen, name); err != nil {
		return nil, err
	}
	d, err := fs.inner.OpenDir(name)
	if err != nil {
		return nil, err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	ff := &file{fs: fs, inner: d, path: filepath.Clean(name), dir: true, gen: fs.crashed}
	fs.open[ff] = struct{}{}
	return ff, nil
}

// Rename implements fileutil.FS.
func (fs *FS) Rename(oldpath, newpath string) error {
	if err := fs.check(OpRename, oldpath); err != nil {
		return err
	}
	oldpath, newpath = filepath.Clean(oldpath), filepath.Clean(newpath)
	if err := fs.inner.Rename(oldpath, newpath); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	// Move tracking of everything at or under oldpath.
	for p, n := range fs.nodes {
		if rel, ok := under(oldpath, p); ok {
			delete(fs.nodes, p)
			fs.nodes[filepath.Join(newpath, rel)] = n
		}
	}
	for f := range fs.open {
		if rel, ok := under(oldpath, f.path); ok {
			f.path = filepath.Join(newpath, rel)
		}
	}
	for d, ops := range fs.dirLog {
		if rel, ok := under(oldpath, d); ok {
			delete(fs.dirLog, d)
			nd := filepath.Join(newpath, rel)
			for i := range ops {
				ops[i].from = rebase(oldpath, newpath, ops[i].from)
				ops[i].to = rebase(oldpath, newpath, ops[i].to)
			}
			fs.dirLog[nd] = ops
		}
	}
	dir := filepath.Dir(newpath)
	fs.dirLog[dir] = append(fs.dirLog[dir], dirOp{kind: dirRename, from: oldpath, to: newpath})
	return nil
}

func under(root, p string) (string, bool) {
	if p == root {
		return ".", true
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || len(rel) >= 3 && rel[:3] == "../" {
		return "", false
	}
	return rel, true
}

func rebase(oldRoot, newRoot, p string) string {
	if p == "" {
		return p
	}
	if rel, ok := under(oldRoot, p); ok {
		return filepath.Join(newRoot, rel)
	}
	return p
}

// Remove implements fileutil.FS. Removal is taken as durable at once.
func (fs *FS) Remove(name string) error {
	if err := fs.check(OpRemove, name); err != nil {
		return err
	}
	if err := fs.inner.Remove(name); err != nil {
		return err
	}
	fs.forget(filepath.Clean(name))
	return nil
}

// RemoveAll implements fileutil.FS.
func (fs *FS) RemoveAll(name string) error {
	if err := fs.check(OpRemove, name); err != nil {
		return err
	}
	if err := fs.inner.RemoveAll(name); err != nil {
		return err
	}
	fs.forget(filepath.Clean(name))
	return nil
}

func (fs *FS) forget(root string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for p := range fs.nodes {
		if _, ok := under(root, p); ok {
			delete(fs.nodes, p)
		}
	}
	for d, ops := range fs.dirLog {
		if _, ok := under(root, d); ok {
			delete(fs.dirLog, d)
			continue
		}
		kept := ops[:0]
		for _, op := range ops {
			if _, ok := under(root, op.to); !ok {
				kept = append(kept, op)
			}
		}
		fs.dirLog[d] = kept
	}
}

// MkdirAll implements fileutil.FS. Directories are taken as durable.
func (fs *FS) MkdirAll(name string, perm os.FileMode) error {
	if err := fs.check(OpMkdir, name); err != nil {
		return err
	}
	return fs.inner.MkdirAll(name, perm)
}

// ReadDir implements fileutil.FS.
func (fs *FS) ReadDir(dir string) ([]string, error) {
	if err := fs.check(OpRead, dir); err != nil {
		return nil, err
	}
	return fs.inner.ReadDir(dir)
}

// Stat implements fileutil.FS.
func (fs *FS) Stat(name string) (os.FileInfo, error) { return fs.inner.Stat(name) }

// Crash closes every file opened through fs (later calls on them return
// ErrCrashed) and rolls unsynced data and directory entries back as c
// says. The FS stays usable: files opened afterwards work normally.
func (fs *FS) Crash(c Crash) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var errs []error
	for f := range fs.open {
		if err := f.inner.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	fs.open = map[*file]struct{}{}
	fs.crashed++

	if c.KeepSectors >= 0 {
		for p, n := range fs.nodes {
			if err := rollBack(p, n, c); err != nil {
				errs = append(errs, err)
			}
		}
		// Entries not made durable by a directory sync vanish, newest
		// first.
		for _, ops := range fs.dirLog {
			for i := len(ops) - 1; i >= 0; i-- {
				op := ops[i]
				var err error
				switch op.kind {
				case dirCreate:
					err = os.Remove(op.to)
				case dirRename:
					err = os.Rename(op.to, op.from)
				}
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	fs.nodes = map[string]*node{}
	fs.dirLog = map[string][]dirOp{}
	return errors.Join(errs...)
}

// rollBack undoes n's unsynced writes at offsets at or past the keep
// boundary.
func rollBack(path string, n *node, c Crash) error {
	if len(n.unsynced) == 0 {
		return nil
	}
	lo := n.unsynced[0].off
	for _, u := range n.unsynced {
		lo = min(lo, u.off)
	}
	boundary := lo/SectorSize*SectorSize + int64(c.KeepSectors)*SectorSize
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	defer f.Close()
	for i := len(n.unsynced) - 1; i >= 0; i-- {
		u := n.unsynced[i]
		start := max(u.off, boundary)
		end := u.off + u.n
		if start >= end {
			continue
		}
		var b []byte
		if c.Zero {
			b = make([]byte, end-start)
		} else {
			b = u.old[start-u.off:]
		}
		if len(b) > 0 {
			if _, err := f.WriteAt(b, start); err != nil {
				return err
			}
		}
	}
	if !c.Zero {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		orig := n.unsynced[0].oldSize
		if size := max(orig, min(fi.Size(), boundary)); size < fi.Size() {
			if err := f.Truncate(size); err != nil {
				return err
			}
		}
	}
	return nil
}

// FlipBit inverts one bit of the byte at off in the file at path, on the
// real disk, simulating silent corruption.
func FlipBit(path string, off int64, bit uint) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 1 << (bit % 8)
	if _, err := f.WriteAt(b, off); err != nil {
		return err
	}
	return f.Sync()
}

// readOld returns the n bytes at off (zeros past the end).
func readOld(f fileutil.File, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	_, err := f.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}
