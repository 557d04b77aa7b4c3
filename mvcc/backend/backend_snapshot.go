package backend

import (
	"fmt"
	"io"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Snapshot is a consistent read-only view of the whole bbolt file, to be
// streamed (to a client, or to a follower). While it is open, Defrag and
// ReplaceFile wait for it; Close it when done.
type Snapshot struct {
	b     *Backend
	tx    *bolt.Tx
	start time.Time
	once  sync.Once
	err   error
}

// OpenSnapshot commits pending writes and opens a snapshot of the file as
// of that commit. Writers keep going while it is open.
func (b *Backend) OpenSnapshot() (*Snapshot, error) {
	start := time.Now()
	b.ForceCommit()
	b.mu.RLock()
	if b.closed.Load() {
		b.mu.RUnlock()
		return nil, ErrClosed
	}
	tx, err := b.db.Begin(false)
	if err != nil {
		b.mu.RUnlock()
		return nil, fmt.Errorf("backend: snapshot: %w", err)
	}
	return &Snapshot{b: b, tx: tx, start: start}, nil
}

// Size is the number of bytes WriteTo writes.
func (s *Snapshot) Size() int64 { return s.tx.Size() }

// WriteTo writes the whole file, as of the snapshot, to w.
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) {
	n, err := s.tx.WriteTo(w)
	if err != nil {
		return n, fmt.Errorf("backend: snapshot: %w", err)
	}
	return n, nil
}

// Close ends the snapshot; it may be called from any goroutine, more than
// once.
func (s *Snapshot) Close() error {
	s.once.Do(func() {
		if err := s.tx.Rollback(); err != nil {
			s.err = fmt.Errorf("backend: snapshot: %w", err)
		}
		s.b.mu.RUnlock()
		if m := s.b.cfg.Metrics; m != nil {
			m.SnapshotSec.Observe(time.Since(s.start).Seconds())
		}
	})
	return s.err
}

// Snapshot commits pending writes and streams a consistent copy of the whole
// bbolt file to w. Writers keep going while it runs.
func (b *Backend) Snapshot(w io.Writer) (int64, error) {
	s, err := b.OpenSnapshot()
	if err != nil {
		return 0, err
	}
	n, err := s.WriteTo(w)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return n, err
}
