package backend

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// batchTx is the long-lived bbolt write transaction.
type batchTx struct {
	mu sync.Mutex
	b  *Backend
	tx *bolt.Tx
	// wbuf holds this lock period's writes; Unlock merges it into the read
	// buffer so readers see them.
	wbuf         txBuffer
	pending      int
	pendingBytes int
	// cursors caches one bbolt cursor per bucket for deletes; valid for the
	// current bbolt transaction only.
	cursors map[uint8]*bolt.Cursor
}

func (t *batchTx) Lock() { t.mu.Lock() }

// Unlock publishes this lock period's writes to readers and commits when
// BatchLimit writes are pending.
func (t *batchTx) Unlock() {
	t.writeback()
	if t.pending >= t.b.cfg.BatchLimit {
		t.commitLocked(false)
	}
	t.mu.Unlock()
}

func (t *batchTx) writeback() {
	if t.wbuf.n == 0 {
		return
	}
	t.b.rmu.Lock()
	t.wbuf.mergeInto(&t.b.rbuf)
	t.b.rmu.Unlock()
	t.wbuf.reset()
}

// cursor implements boltSource.
func (t *batchTx) cursor(bk Bucket) *bolt.Cursor {
	if t.tx == nil {
		return nil
	}
	if b := t.tx.Bucket(bk.Name); b != nil {
		return b.Cursor()
	}
	return nil
}

// releaseCursor implements boltSource.
func (t *batchTx) releaseCursor(Bucket, *bolt.Cursor) {}

func (t *batchTx) bucket(bk Bucket) *bolt.Bucket {
	b := t.tx.Bucket(bk.Name)
	if b == nil {
		panic(fmt.Errorf("backend: bucket %q does not exist", bk.Name))
	}
	return b
}

func (t *batchTx) UnsafeCreateBucket(bk Bucket) {
	if _, err := t.tx.CreateBucketIfNotExists(bk.Name); err != nil {
		panic(fmt.Errorf("backend: create bucket %q: %w", bk.Name, err))
	}
	t.pending++
}

func (t *batchTx) UnsafeDeleteBucket(bk Bucket) {
	if err := t.tx.DeleteBucket(bk.Name); err != nil && err != bolt.ErrBucketNotFound {
		panic(fmt.Errorf("backend: delete bucket %q: %w", bk.Name, err))
	}
	delete(t.cursors, bk.ID)
	// Readers must stop seeing the bucket's buffered writes too.
	t.b.rmu.Lock()
	if bb := t.b.rbuf.bucket(bk, false); bb != nil {
		bb.ents = bb.ents[:0]
	}
	t.b.rmu.Unlock()
	if bb := t.wbuf.bucket(bk, false); bb != nil {
		bb.ents = bb.ents[:0]
	}
	t.pending++
}

func (t *batchTx) put(bk Bucket, key, value []byte, seq bool) {
	b := t.bucket(bk)
	if seq {
		b.FillPercent = 0.9
	}
	if err := b.Put(key, value); err != nil {
		panic(fmt.Errorf("backend: put in %q: %w", bk.Name, err))
	}
	t.wbuf.put(bk, key, value)
	t.pending++
	t.pendingBytes += len(key) + len(value)
}

func (t *batchTx) UnsafePut(bk Bucket, key, value []byte)    { t.put(bk, key, value, false) }
func (t *batchTx) UnsafeSeqPut(bk Bucket, key, value []byte) { t.put(bk, key, value, true) }

func (t *batchTx) UnsafeDelete(bk Bucket, key []byte) {
	c := t.cursors[bk.ID]
	if c == nil {
		c = t.bucket(bk).Cursor()
		if t.cursors == nil {
			t.cursors = make(map[uint8]*bolt.Cursor)
		}
		t.cursors[bk.ID] = c
	}
	if k, _ := c.Seek(key); k != nil && bytes.Equal(k, key) {
		if err := c.Delete(); err != nil {
			panic(fmt.Errorf("backend: delete in %q: %w", bk.Name, err))
		}
	}
	// The key may alias bbolt memory that the commit recycles.
	t.wbuf.del(bk, append([]byte(nil), key...))
	t.pending++
}

func (t *batchTx) UnsafeRange(bk Bucket, key, end []byte, limit int64) ([][]byte, [][]byte) {
	return rangeCollect(t, nil, bk, key, end, limit)
}

func (t *batchTx) UnsafeGet(bk Bucket, key []byte) []byte {
	return mergedGet(t, nil, bk, key)
}

func (t *batchTx) UnsafeGetMany(bk Bucket, keys, vals [][]byte) {
	mergedGetMany(t, nil, bk, keys, vals)
}

func (t *batchTx) UnsafeForEach(bk Bucket, fn func(k, v []byte) error) error {
	return forEach(t, nil, bk, fn)
}

// Commit commits now; the caller holds the lock.
func (t *batchTx) Commit() { t.commitLocked(false) }

// commitLocked runs the pre-commit hook, commits the bbolt transaction, then
// swaps the readers onto the new committed state. With stop set no new
// transaction is begun. The caller holds t.mu.
func (t *batchTx) commitLocked(stop bool) {
	b := t.b
	if t.tx == nil {
		return
	}
	if h := b.hooks.Load(); h != nil {
		(*h).OnPreCommitUnsafe(t)
	}
	t.writeback()
	if t.pending == 0 && !stop {
		return
	}
	start := time.Now()
	// bbolt remaps (and waits for every read transaction) when the file
	// outgrows the mmap; the old read view must then be gone before Commit.
	blocking := uint64(t.tx.Size())+uint64(4*t.pendingBytes)+(16<<20) >= b.cfg.MmapSize
	if blocking {
		b.rmu.Lock()
		b.rview.release(true)
		b.rview = nil
	}
	b.killPoint("backend/before-commit")
	if err := t.tx.Commit(); err != nil {
		panic(fmt.Errorf("backend: commit: %w", err))
	}
	b.killPoint("backend/after-commit")
	b.commits.Add(1)
	if m := b.cfg.Metrics; m != nil {
		st := t.tx.Stats()
		m.RebalanceSec.Observe(st.GetRebalanceTime().Seconds())
		m.SpillSec.Observe(st.GetSpillTime().Seconds())
		m.WriteSec.Observe(st.GetWriteTime().Seconds())
	}
	rt, err := b.db.Begin(false)
	if err != nil {
		panic(fmt.Errorf("backend: begin read tx: %w", err))
	}
	if !blocking {
		b.rmu.Lock()
	}
	old := b.rview
	b.rview = b.newView(rt)
	b.rbuf.reset()
	b.rmu.Unlock()
	old.release(false)

	t.pending, t.pendingBytes = 0, 0
	clear(t.cursors)
	t.tx = nil
	if !stop {
		if t.tx, err = b.db.Begin(true); err != nil {
			panic(fmt.Errorf("backend: begin batch tx: %w", err))
		}
		b.updateSize(t.tx)
	}
	if m := b.cfg.Metrics; m != nil {
		m.CommitSec.Observe(time.Since(start).Seconds())
	}
}
