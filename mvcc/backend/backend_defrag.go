package backend

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"

	"github.com/dustin/go-humanize"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// Hash is a CRC-32C of every bucket name, key and value in the file, skipping
// pairs for which ignores returns true (etcd's backend hash).
func (b *Backend) Hash(ignores func(bucket, key []byte) bool) (uint32, error) {
	b.ForceCommit()
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	b.mu.RLock()
	defer b.mu.RUnlock()
	err := b.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			h.Write(name)
			return bk.ForEach(func(k, v []byte) error {
				if ignores == nil || !ignores(name, k) {
					h.Write(k)
					h.Write(v)
				}
				return nil
			})
		})
	})
	if err != nil {
		return 0, fmt.Errorf("backend: hash: %w", err)
	}
	return h.Sum32(), nil
}

// Defrag rewrites the file compactly: it copies every bucket into a fresh
// file and renames it over the old one. Writes, reads and snapshots wait
// meanwhile (the batch transaction's lock is held throughout, so whoever
// applies writes blocks, as in etcd).
func (b *Backend) Defrag() error {
	start := time.Now()
	if m := b.cfg.Metrics; m != nil {
		m.DefragInflight.Set(1)
		defer m.DefragInflight.Set(0)
	}
	defer b.quiesce()()

	tmpf, err := os.CreateTemp(filepath.Dir(b.cfg.Path), "db.tmp.*")
	if err != nil {
		return b.reopenAfter(fmt.Errorf("backend: defrag: %w", err))
	}
	tmpPath := tmpf.Name()
	_ = tmpf.Close()
	opts := b.boltOptions()
	opts.NoSync = true
	opts.NoFreelistSync = true
	tmpdb, err := bolt.Open(tmpPath, 0o600, opts)
	if err != nil {
		_ = os.Remove(tmpPath)
		return b.reopenAfter(fmt.Errorf("backend: defrag: %w", err))
	}
	size1, inUse1 := b.size.Load(), b.sizeInUse.Load()
	b.lg.Info("defragmenting",
		zap.String("path", b.cfg.Path),
		zap.Int64("current-db-size-bytes", size1),
		zap.String("current-db-size", humanize.Bytes(uint64(size1))),
		zap.Int64("current-db-size-in-use-bytes", inUse1),
		zap.String("current-db-size-in-use", humanize.Bytes(uint64(inUse1))),
	)
	if err = copyDB(tmpdb, b.db); err == nil {
		err = tmpdb.Sync()
	}
	if cerr := tmpdb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmpPath)
		return b.reopenAfter(fmt.Errorf("backend: defrag: %w", err))
	}
	b.killPoint("backend/defrag-before-rename")
	if err = b.db.Close(); err != nil {
		return fmt.Errorf("backend: defrag: close: %w", err)
	}
	if err = os.Rename(tmpPath, b.cfg.Path); err != nil {
		return b.reopenLocked(fmt.Errorf("backend: defrag: rename: %w", err))
	}
	if err = b.reopenLocked(nil); err != nil {
		return err
	}
	took := time.Since(start)
	if m := b.cfg.Metrics; m != nil {
		m.DefragSec.Observe(took.Seconds())
	}
	size2, inUse2 := b.size.Load(), b.sizeInUse.Load()
	b.lg.Info("finished defragmenting directory",
		zap.String("path", b.cfg.Path),
		zap.Int64("current-db-size-bytes-diff", size2-size1),
		zap.Int64("current-db-size-bytes", size2),
		zap.String("current-db-size", humanize.Bytes(uint64(size2))),
		zap.Int64("current-db-size-in-use-bytes-diff", inUse2-inUse1),
		zap.Int64("current-db-size-in-use-bytes", inUse2),
		zap.String("current-db-size-in-use", humanize.Bytes(uint64(inUse2))),
		zap.Duration("took", took),
	)
	return nil
}

// quiesce commits pending writes and stops every transaction, holding the
// batch, read-view and db locks until the function it returns is called:
// the file can then be closed and replaced.
func (b *Backend) quiesce() (resume func()) {
	b.batch.Lock()
	b.batch.commitLocked(true)
	b.rmu.Lock()
	b.rview.release(true)
	b.rview = nil
	b.mu.Lock()
	return func() {
		b.mu.Unlock()
		b.rmu.Unlock()
		b.batch.Unlock()
	}
}

// reopenAfter restarts the transactions on the still-open db and returns err.
func (b *Backend) reopenAfter(err error) error {
	var e error
	if b.batch.tx, e = b.db.Begin(true); e != nil {
		panic(fmt.Errorf("backend: begin batch tx: %w", e))
	}
	rt, e := b.db.Begin(false)
	if e != nil {
		panic(fmt.Errorf("backend: begin read tx: %w", e))
	}
	b.rview = b.newView(rt)
	return err
}

// reopenLocked reopens the file after it was closed; all locks are held.
func (b *Backend) reopenLocked(err error) error {
	if oerr := b.openDB(); oerr != nil {
		panic(fmt.Errorf("backend: reopen after defrag: %w", oerr))
	}
	return err
}

func copyDB(dst, src *bolt.DB) error {
	stx, err := src.Begin(false)
	if err != nil {
		return err
	}
	defer func() { _ = stx.Rollback() }()
	dtx, err := dst.Begin(true)
	if err != nil {
		return err
	}
	count := 0
	err = stx.ForEach(func(name []byte, sb *bolt.Bucket) error {
		db, err := dtx.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		db.FillPercent = 0.9
		return sb.ForEach(func(k, v []byte) error {
			count++
			if count > defragLimit {
				if err := dtx.Commit(); err != nil {
					return err
				}
				if dtx, err = dst.Begin(true); err != nil {
					return err
				}
				db = dtx.Bucket(name)
				db.FillPercent = 0.9
				count = 0
			}
			return db.Put(k, v)
		})
	})
	if err != nil {
		_ = dtx.Rollback()
		return err
	}
	return dtx.Commit()
}

// ReplaceFile swaps the backend's file for the bbolt file at path (a
// database received from the leader): pending writes are committed, the
// current file is closed, path is renamed over it and reopened. The
// Backend value stays the same, so its users keep their references.
func (b *Backend) ReplaceFile(path string) error {
	defer b.quiesce()()
	if err := b.db.Close(); err != nil {
		return b.reopenLocked(fmt.Errorf("backend: replace: close: %w", err))
	}
	if err := os.Rename(path, b.cfg.Path); err != nil {
		return b.reopenLocked(fmt.Errorf("backend: replace: rename: %w", err))
	}
	if err := b.reopenLocked(nil); err != nil {
		return err
	}
	b.lg.Info("replaced backend file", zap.String("from", path), zap.Int64("size", b.size.Load()))
	return nil
}
