package backend

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// Defaults, as etcd's.
const (
	DefaultBatchInterval = 100 * time.Millisecond
	DefaultBatchLimit    = 10000
	// DefaultMmapSize is the initial bbolt mmap size (virtual memory only).
	DefaultMmapSize = uint64(10 * 1024 * 1024 * 1024)
	defragLimit     = 10000
)

// ErrClosed is returned by operations on a closed backend.
var ErrClosed = errors.New("backend: closed")

// Config configures a Backend. Only Path is required.
type Config struct {
	// Path of the bbolt file (etcd: member/snap/db).
	Path string
	// BatchInterval is the longest time between commits (default 100ms).
	BatchInterval time.Duration
	// BatchLimit is the number of writes that forces a commit (default 10000).
	BatchLimit int
	// MmapSize is bbolt's initial mmap size (default 10 GiB).
	MmapSize uint64
	// UnsafeNoFsync disables fsync (tests, benchmarks).
	UnsafeNoFsync bool
	// Logger; nil means no logging.
	Logger *zap.Logger
	// Hooks run inside every commit (may also be set later with SetHooks).
	Hooks Hooks
	// Metrics, when non-nil, receives the backend's prometheus metrics.
	Metrics *Metrics
	// KillPoint, when non-nil, is called at every durability boundary with
	// the name of the point; tests use it to simulate crashes.
	KillPoint func(point string)
}

// view is a bbolt read transaction shared by readers until the next commit.
type view struct {
	tx *bolt.Tx
	wg sync.WaitGroup
	// open counts the backend's open read transactions (see OpenReadTxN).
	open *atomic.Int64
	// buckets caches the transaction's buckets by Bucket.ID: bbolt
	// allocates a handle per lookup in a read-only transaction, and
	// read-only handles may be used by concurrent readers.
	buckets [256]atomic.Pointer[viewBucket]
}

// viewBucket is a bucket of a view with a pool of cursors over it: a
// cursor's search stack grows with allocations on its first seek and is
// reused by the next ones.
type viewBucket struct {
	b       *bolt.Bucket
	cursors sync.Pool
}

func (v *view) bucket(b Bucket) *viewBucket {
	if v == nil || v.tx == nil {
		return nil
	}
	if vb := v.buckets[b.ID].Load(); vb != nil {
		return vb
	}
	bk := v.tx.Bucket(b.Name)
	if bk == nil {
		return nil
	}
	vb := &viewBucket{b: bk}
	if !v.buckets[b.ID].CompareAndSwap(nil, vb) {
		return v.buckets[b.ID].Load()
	}
	return vb
}

// cursor implements boltSource with a pooled cursor.
func (v *view) cursor(b Bucket) *bolt.Cursor {
	vb := v.bucket(b)
	if vb == nil {
		return nil
	}
	if c, ok := vb.cursors.Get().(*bolt.Cursor); ok {
		return c
	}
	return vb.b.Cursor()
}

// releaseCursor implements boltSource.
func (v *view) releaseCursor(b Bucket, c *bolt.Cursor) {
	if c == nil {
		return
	}
	if vb := v.bucket(b); vb != nil {
		vb.cursors.Put(c)
	}
}

func (v *view) release(wait bool) {
	if v == nil {
		return
	}
	if wait {
		v.wg.Wait()
		v.rollback()
		return
	}
	go func() {
		v.wg.Wait()
		v.rollback()
	}()
}

func (v *view) rollback() {
	_ = v.tx.Rollback()
	v.open.Add(-1)
}

// newView wraps a bbolt read transaction just begun.
func (b *Backend) newView(tx *bolt.Tx) *view {
	b.openReadTxs.Add(1)
	return &view{tx: tx, open: &b.openReadTxs}
}

// Backend is a bbolt file with batched commits and non-blocking reads.
type Backend struct {
	cfg Config
	lg  *zap.Logger

	// mu is held for writing only while the db is swapped (Defrag, Close).
	mu sync.RWMutex
	db *bolt.DB

	batch batchTx

	// rmu guards the read view and the read buffer.
	rmu   sync.RWMutex
	rview *view
	rbuf  txBuffer
	rtx   readTx

	hooks atomic.Pointer[Hooks]

	size      atomic.Int64
	sizeInUse atomic.Int64
	commits   atomic.Int64
	// openReadTxs counts the read views not yet rolled back.
	openReadTxs atomic.Int64

	stopc  chan struct{}
	donec  chan struct{}
	closed atomic.Bool
}

// Open opens (creating if needed) the bbolt file at cfg.Path and starts the
// periodic commit loop.
func Open(cfg Config) (*Backend, error) {
	if cfg.BatchInterval <= 0 {
		cfg.BatchInterval = DefaultBatchInterval
	}
	if cfg.BatchLimit <= 0 {
		cfg.BatchLimit = DefaultBatchLimit
	}
	if cfg.MmapSize == 0 {
		cfg.MmapSize = DefaultMmapSize
	}
	lg := cfg.Logger
	if lg == nil {
		lg = zap.NewNop()
	}
	b := &Backend{cfg: cfg, lg: lg, stopc: make(chan struct{}), donec: make(chan struct{})}
	b.batch.b = b
	b.rtx.b = b
	if cfg.Hooks != nil {
		h := cfg.Hooks
		b.hooks.Store(&h)
	}
	if err := b.openDB(); err != nil {
		return nil, err
	}
	go b.run()
	return b, nil
}

func (b *Backend) boltOptions() *bolt.Options {
	return &bolt.Options{
		Timeout:         10 * time.Second,
		InitialMmapSize: int(b.cfg.MmapSize),
		NoSync:          b.cfg.UnsafeNoFsync,
		NoGrowSync:      b.cfg.UnsafeNoFsync,
		FreelistType:    bolt.FreelistMapType,
		NoFreelistSync:  true,
	}
}

// openDB opens the file and starts the batch and read transactions. Callers
// hold every lock (or are in Open).
func (b *Backend) openDB() error {
	db, err := bolt.Open(b.cfg.Path, 0o600, b.boltOptions())
	if err != nil {
		return fmt.Errorf("backend: open %s: %w", b.cfg.Path, err)
	}
	b.db = db
	if b.batch.tx, err = db.Begin(true); err != nil {
		_ = db.Close()
		return fmt.Errorf("backend: begin batch tx: %w", err)
	}
	rt, err := db.Begin(false)
	if err != nil {
		_ = b.batch.tx.Rollback()
		_ = db.Close()
		return fmt.Errorf("backend: begin read tx: %w", err)
	}
	b.rview = b.newView(rt)
	b.rbuf.reset()
	b.updateSize(b.batch.tx)
	return nil
}

func (b *Backend) run() {
	defer close(b.donec)
	t := time.NewTicker(b.cfg.BatchInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-b.stopc:
			return
		}
		b.batch.Lock()
		if b.batch.pending > 0 { // an idle backend does not commit (nor run hooks)
			b.batch.commitLocked(false)
		}
		b.batch.Unlock()
	}
}

// SetHooks replaces the pre-commit hooks.
func (b *Backend) SetHooks(h Hooks) {
	b.batch.Lock()
	defer b.batch.Unlock()
	if h == nil {
		b.hooks.Store(nil)
		return
	}
	b.hooks.Store(&h)
}

// BatchTx returns the batch write transaction.
func (b *Backend) BatchTx() BatchTx { return &b.batch }

// ReadTx returns the shared read transaction; hold RLock while using it. A
// held ReadTx delays the swap that follows a commit, so long reads should use
// ConcurrentReadTx.
func (b *Backend) ReadTx() ReadTx { return &b.rtx }

// ConcurrentReadTx returns a read transaction with its own copy of the
// uncommitted writes; it never blocks commits. RUnlock ends it.
func (b *Backend) ConcurrentReadTx() ReadTx {
	b.rmu.RLock()
	v := b.rview
	v.wg.Add(1)
	buf := b.rbuf.clone()
	b.rmu.RUnlock()
	return &concurrentReadTx{v: v, buf: buf}
}

// ForceCommit commits the batch transaction now.
func (b *Backend) ForceCommit() {
	b.batch.Lock()
	b.batch.commitLocked(false)
	b.batch.Unlock()
}

// Size is the size of the bbolt file in bytes as of the last commit.
func (b *Backend) Size() int64 { return b.size.Load() }

// SizeInUse is Size minus the free pages, as of the last commit.
func (b *Backend) SizeInUse() int64 { return b.sizeInUse.Load() }

// OpenReadTxN is the number of bbolt read transactions open: the current
// read view and older ones that readers still hold.
func (b *Backend) OpenReadTxN() int64 { return b.openReadTxs.Load() }

// Commits is the number of bbolt commits so far.
func (b *Backend) Commits() int64 { return b.commits.Load() }

// Path is the bbolt file path.
func (b *Backend) Path() string { return b.cfg.Path }

func (b *Backend) updateSize(tx *bolt.Tx) {
	sz := tx.Size()
	st := b.db.Stats()
	b.size.Store(sz)
	b.sizeInUse.Store(sz - int64(st.FreePageN+st.PendingPageN)*int64(b.db.Info().PageSize))
}

func (b *Backend) killPoint(p string) {
	if b.cfg.KillPoint != nil {
		b.cfg.KillPoint(p)
	}
}

// Close commits pending writes and closes the file. It is idempotent.
func (b *Backend) Close() error {
	if !b.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(b.stopc)
	<-b.donec
	b.batch.Lock()
	defer b.batch.Unlock()
	b.batch.commitLocked(true)
	b.rmu.Lock()
	b.rview.release(true)
	b.rview = nil
	b.rmu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.db.Close()
}

// readTx is the shared read transaction.
type readTx struct{ b *Backend }

func (r *readTx) RLock()   { r.b.rmu.RLock() }
func (r *readTx) RUnlock() { r.b.rmu.RUnlock() }
func (r *readTx) UnsafeRange(bk Bucket, key, end []byte, limit int64) ([][]byte, [][]byte) {
	return rangeCollect(r.b.rview, r.b.rbuf.bucket(bk, false), bk, key, end, limit)
}
func (r *readTx) UnsafeGet(bk Bucket, key []byte) []byte {
	return mergedGet(r.b.rview, r.b.rbuf.bucket(bk, false), bk, key)
}
func (r *readTx) UnsafeGetMany(bk Bucket, keys, vals [][]byte) {
	mergedGetMany(r.b.rview, r.b.rbuf.bucket(bk, false), bk, keys, vals)
}
func (r *readTx) UnsafeForEach(bk Bucket, fn func(k, v []byte) error) error {
	return forEach(r.b.rview, r.b.rbuf.bucket(bk, false), bk, fn)
}

// concurrentReadTx pins a view and owns a copy of the buffer.
type concurrentReadTx struct {
	v    *view
	buf  *txBuffer
	done bool
}

func (r *concurrentReadTx) RLock() {}
func (r *concurrentReadTx) RUnlock() {
	if !r.done {
		r.done = true
		r.v.wg.Done()
	}
}
func (r *concurrentReadTx) UnsafeRange(bk Bucket, key, end []byte, limit int64) ([][]byte, [][]byte) {
	return rangeCollect(r.v, r.buf.bucket(bk, false), bk, key, end, limit)
}
func (r *concurrentReadTx) UnsafeGet(bk Bucket, key []byte) []byte {
	return mergedGet(r.v, r.buf.bucket(bk, false), bk, key)
}
func (r *concurrentReadTx) UnsafeGetMany(bk Bucket, keys, vals [][]byte) {
	mergedGetMany(r.v, r.buf.bucket(bk, false), bk, keys, vals)
}
func (r *concurrentReadTx) UnsafeForEach(bk Bucket, fn func(k, v []byte) error) error {
	return forEach(r.v, r.buf.bucket(bk, false), bk, fn)
}
