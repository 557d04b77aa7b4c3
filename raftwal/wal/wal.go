package wal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// segment is one open segment file.
type segment struct {
	f     fileutil.File // nil once released
	name  string        // base name, kept current across renames
	seq   uint64
	index uint64
}

// WAL is the write-ahead log in one directory. A WAL from Create is ready
// to append; one from Open must first be read out with ReadAll. Its methods
// are safe for concurrent use.
type WAL struct {
	cfg Config
	lg  *zap.Logger
	fs  fileutil.FS
	dir string

	mu       sync.Mutex
	dirFile  fileutil.File
	metadata []byte
	// state is the last HardState saved (or read), repeated at the head of
	// each new segment.
	state    savedState
	start    *walpb.Snapshot // where ReadAll starts
	decoder  *decoder
	readOnly bool
	segs     []*segment // segments held open, oldest first; the last is the tail
	enti     uint64     // index of the last entry saved
	enc      *encoder
	off      int64 // file offset in the tail where enc.buf goes
	fp       *filePipeline
	err      error // sticky write failure
	closed   bool
}

// Create makes a WAL in dir, which must not hold one, recording metadata at
// the head of every segment. The directory is built under dir+".tmp" and
// renamed into place, so it appears whole or not at all.
func Create(cfg Config, dir string, metadata []byte) (*WAL, error) {
	cfg = cfg.withDefaults()
	fs, lg := cfg.FS, cfg.Logger
	if Exist(fs, dir) {
		return nil, os.ErrExist
	}
	tmpdir := filepath.Clean(dir) + ".tmp"
	if fileutil.FileExist(fs, tmpdir) {
		if err := fs.RemoveAll(tmpdir); err != nil {
			return nil, err
		}
	}
	defer fs.RemoveAll(tmpdir)
	if err := fs.MkdirAll(tmpdir, fileutil.PrivateDirMode); err != nil {
		lg.Warn("failed to create a temporary WAL directory", zap.String("tmp-dir-path", tmpdir), zap.String("dir-path", dir), zap.Error(err))
		return nil, err
	}

	name := walName(0, 0)
	f, err := fs.LockFile(filepath.Join(tmpdir, name), os.O_WRONLY|os.O_CREATE, fileutil.PrivateFileMode)
	if err != nil {
		lg.Warn("failed to flock an initial WAL file", zap.String("path", name), zap.Error(err))
		return nil, err
	}
	if err := f.Preallocate(cfg.SegmentSizeBytes, true); err != nil {
		f.Close()
		lg.Warn("failed to preallocate an initial WAL file", zap.String("path", name), zap.Int64("segment-bytes", cfg.SegmentSizeBytes), zap.Error(err))
		return nil, err
	}
	w := &WAL{
		cfg:      cfg,
		lg:       lg,
		fs:       fs,
		dir:      dir,
		metadata: metadata,
		segs:     []*segment{{f: f, name: name}},
		enc:      newEncoder(0),
	}
	w.enc.appendCrc()
	w.enc.appendRecord(MetadataType, metadata)
	if err := w.enc.appendSnapshot(&walpb.Snapshot{}); err != nil {
		w.closeFiles()
		return nil, err
	}
	if err := w.sync(); err != nil {
		w.closeFiles()
		return nil, err
	}
	// Make the segment's directory entry durable before the rename
	// publishes the directory.
	if err := fileutil.SyncDir(fs, tmpdir); err != nil {
		w.closeFiles()
		return nil, err
	}
	if err := fs.RemoveAll(dir); err != nil {
		w.closeFiles()
		return nil, err
	}
	// The lock is held across the rename: letting go and taking it again
	// would leave a window for another process.
	if err := fs.Rename(tmpdir, dir); err != nil {
		w.closeFiles()
		lg.Warn("failed to rename the temporary WAL directory", zap.String("tmp-dir-path", tmpdir), zap.String("dir-path", dir), zap.Error(err))
		return nil, err
	}
	if err := fileutil.SyncDir(fs, filepath.Dir(filepath.Clean(dir))); err != nil {
		w.closeFiles()
		lg.Warn("failed to fsync the parent data directory file", zap.String("dir-path", dir), zap.Error(err))
		return nil, err
	}
	if w.dirFile, err = fs.OpenDir(dir); err != nil {
		w.closeFiles()
		return nil, err
	}
	w.fp = newFilePipeline(lg, fs, dir, cfg.SegmentSizeBytes)
	return w, nil
}

// Open opens the WAL in dir for appending, positioned to read the records
// after snap (nil means the start), which should have been saved with
// SaveSnapshot. It locks every segment it will read, so a second Open of
// the same WAL, by this or another process, fails with an error wrapping
// fileutil.ErrLocked. ReadAll must read the records out before anything is
// appended.
func Open(cfg Config, dir string, snap *walpb.Snapshot) (*WAL, error) {
	w, err := openAtIndex(cfg, dir, snap, true)
	if err != nil {
		return nil, err
	}
	if w.dirFile, err = w.fs.OpenDir(dir); err != nil {
		w.closeFiles()
		return nil, err
	}
	return w, nil
}

// OpenForRead opens the WAL in dir for reading only, without locks, so it
// can be read while another WAL has it open for appending.
func OpenForRead(cfg Config, dir string, snap *walpb.Snapshot) (*WAL, error) {
	return openAtIndex(cfg, dir, snap, false)
}

func openAtIndex(cfg Config, dir string, snap *walpb.Snapshot, write bool) (*WAL, error) {
	cfg = cfg.withDefaults()
	names, first, err := selectSegments(cfg.Logger, cfg.FS, dir, snap.GetIndex())
	if err != nil {
		return nil, err
	}
	w := &WAL{
		cfg:      cfg,
		lg:       cfg.Logger,
		fs:       cfg.FS,
		dir:      dir,
		start:    snap.Clone(),
		readOnly: !write,
	}
	readers := make([]segmentReader, 0, len(names)-first)
	for _, name := range names[first:] {
		p := filepath.Join(dir, name)
		var f fileutil.File
		if write {
			f, err = w.fs.TryLockFile(p, os.O_RDWR, fileutil.PrivateFileMode)
		} else {
			f, err = w.fs.OpenFile(p, os.O_RDONLY, fileutil.PrivateFileMode)
		}
		if err != nil {
			w.closeFiles()
			return nil, fmt.Errorf("wal: open %q: %w", p, err)
		}
		seq, index, _ := parseWALName(name)
		w.segs = append(w.segs, &segment{f: f, name: name, seq: seq, index: index})
		fi, err := f.Stat()
		if err != nil {
			w.closeFiles()
			return nil, err
		}
		readers = append(readers, newSegmentReader(f, fi.Size(), name))
	}
	w.decoder = newDecoder(readers...)
	if write {
		w.fp = newFilePipeline(w.lg, w.fs, dir, cfg.SegmentSizeBytes)
	}
	return w, nil
}

// Dir returns the WAL's directory.
func (w *WAL) Dir() string { return w.dir }

func (w *WAL) tail() *segment {
	if len(w.segs) == 0 {
		return nil
	}
	return w.segs[len(w.segs)-1]
}

// ReleaseLockTo closes (unlocks) the segments that hold only entries below
// index, keeping the newest of them, so that purging can remove them. With
// segments starting at 1,2,3,4,5,6, ReleaseLockTo(4) releases 1 and 2;
// ReleaseLockTo(5) releases 1, 2 and 3.
func (w *WAL) ReleaseLockTo(index uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.segs) == 0 {
		return nil
	}
	smaller := len(w.segs) - 1
	for i, s := range w.segs {
		if s.index >= index {
			smaller = i - 1
			break
		}
	}
	if smaller <= 0 {
		return nil
	}
	for _, s := range w.segs[:smaller] {
		if s.f != nil {
			s.f.Close()
			s.f = nil
		}
	}
	w.segs = append(w.segs[:0:0], w.segs[smaller:]...)
	return nil
}

// Close writes out and syncs what is buffered, then releases every file.
// Calling it again does nothing.
func (w *WAL) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	if w.fp != nil {
		if err := w.fp.close(); err != nil {
			w.lg.Warn("WAL file pipeline failed", zap.Error(err))
		}
		w.fp = nil
	}
	var err error
	if w.enc != nil && w.err == nil && !w.readOnly {
		err = w.sync()
	}
	w.closeFiles()
	return err
}

func (w *WAL) closeFiles() {
	for _, s := range w.segs {
		if s.f != nil {
			if err := s.f.Close(); err != nil {
				w.lg.Error("failed to close WAL", zap.Error(err))
			}
			s.f = nil
		}
	}
	if w.dirFile != nil {
		w.dirFile.Close()
		w.dirFile = nil
	}
	if w.fp != nil {
		w.fp.close()
		w.fp = nil
	}
}

// seekTail positions the tail for appending at off.
func (w *WAL) seekTail(off int64) error {
	if _, err := w.tail().f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	w.off = off
	return nil
}

// fail records the first write failure; every later write returns it.
func (w *WAL) fail(err error) error {
	if err == nil {
		return nil
	}
	if w.err == nil {
		w.err = fmt.Errorf("%w: %w", ErrFailed, err)
	}
	return err
}

func (w *WAL) writable() error {
	switch {
	case w.closed:
		return ErrClosed
	case w.readOnly:
		return ErrReadOnly
	case w.enc == nil:
		return ErrNotReadOut
	case w.err != nil:
		return w.err
	}
	return nil
}

var errNoTail = errors.New("wal: no segment to write to")
