package mvcc

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

var errStopped = errors.New("mvcc: compaction interrupted by stop")

// readCompactRev reads a compaction revision of the meta bucket; etcd stores
// it as a revision key (main, sub 0).
func readCompactRev(r backend.UnsafeReader, name []byte) (int64, bool) {
	v := r.UnsafeGet(backend.Meta, name)
	if v == nil {
		return 0, false
	}
	rev, _, err := ParseRevisionKey(v)
	if err != nil {
		return 0, false
	}
	return rev.Main, true
}

func unsafeSetCompactRev(w backend.UnsafeWriter, name []byte, rev int64) {
	w.UnsafePut(backend.Meta, name, RevisionKey(Revision{Main: rev}, false))
}

// Compact schedules the compaction of every revision older than rev. The
// scheduled revision is persisted before Compact returns; removal of old
// revisions happens in the background in batches. The returned channel is
// closed when it has finished. A rev already compacted gives ErrCompacted
// (and a channel closed once earlier compactions are done), a rev beyond the
// current revision ErrFutureRev.
func (s *Store) Compact(ctx context.Context, rev int64) (<-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.compactLocked(rev)
}

// compactLocked is Compact with s.mu held.
func (s *Store) compactLocked(rev int64) (<-chan struct{}, error) {
	s.revMu.Lock()
	if rev <= s.compactMainRev {
		s.revMu.Unlock()
		ch := make(chan struct{})
		s.sched.push(func(context.Context) { close(ch) })
		return ch, ErrCompacted
	}
	if rev > s.currentRev {
		s.revMu.Unlock()
		return nil, ErrFutureRev
	}
	prev := s.compactMainRev
	s.compactMainRev = rev
	s.revMu.Unlock()

	tx := s.b.BatchTx()
	tx.Lock()
	unsafeSetCompactRev(tx, backend.ScheduledCompactKey, rev)
	tx.Unlock()
	s.b.ForceCommit()
	s.killPoint("compact/scheduled")

	ch := make(chan struct{})
	b := s.b
	s.sched.push(func(ctx context.Context) {
		defer close(ch)
		if ctx.Err() != nil {
			return // store closed: resumed from the scheduled revision on next open
		}
		h, err := s.physicalCompact(ctx, b, rev, prev)
		if err != nil {
			s.lg.Warn("compaction stopped", zap.Int64("revision", rev), zap.Error(err))
			return
		}
		s.hashes.store(h)
	})
	return ch, nil
}

// physicalCompact compacts the index, then deletes the revisions it no longer
// needs from the backend, CompactionBatchLimit at a time, committing and
// pausing between batches so writers are never held for long. The finished
// revision is written with the last batch.
func (s *Store) physicalCompact(ctx context.Context, b *backend.Backend, rev, prev int64) (KeyValueHash, error) {
	start := time.Now()
	keep := s.idx.Compact(rev)
	s.m.indexCompactionPauseMs.Observe(float64(time.Since(start) / time.Millisecond))
	s.killPoint("compact/index")
	end := binary.BigEndian.AppendUint64(nil, uint64(rev+1))
	last := RevisionKey(Revision{}, false)
	h := newKVHasher(prev, rev, keep)
	limit := s.cfg.CompactionBatchLimit
	deleted := 0
	dbStart := time.Now()
	defer func() {
		s.m.dbCompactionTotalMs.Observe(float64(time.Since(dbStart) / time.Millisecond))
		s.m.dbCompactionKeys.Add(float64(deleted))
		s.m.dbCompactionLast.Set(float64(time.Now().Unix()))
	}()
	for {
		// A batch pauses writers from taking the lock to its commit.
		batchStart := time.Now()
		tx := b.BatchTx()
		tx.Lock()
		keys, vals := tx.UnsafeRange(backend.Key, last, end, int64(limit))
		var r Revision
		for i := range keys {
			r, _ = mustParseRevisionKey(keys[i])
			h.write(keys[i], vals[i])
			if _, ok := keep[r]; !ok {
				tx.UnsafeDelete(backend.Key, keys[i])
				deleted++
			}
		}
		if len(keys) < limit {
			unsafeSetCompactRev(tx, backend.FinishedCompactKey, rev)
			tx.Unlock()
			s.m.dbCompactionPauseMs.Observe(float64(time.Since(batchStart) / time.Millisecond))
			s.killPoint("compact/finished")
			s.lg.Info("finished scheduled compaction", zap.Int64("compact-revision", rev),
				zap.Duration("took", time.Since(start)), zap.Int("number-of-keys-compacted", deleted))
			return h.sum(), nil
		}
		tx.Unlock()
		last = RevisionKey(Revision{Main: r.Main, Sub: r.Sub + 1}, false)
		b.ForceCommit()
		s.m.dbCompactionPauseMs.Observe(float64(time.Since(batchStart) / time.Millisecond))
		s.killPoint("compact/batch")
		t := time.NewTimer(s.cfg.CompactionSleepInterval)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return KeyValueHash{}, errStopped
		}
	}
}

// fifo runs jobs one at a time in order on its own goroutine.
type fifo struct {
	mu      sync.Mutex
	jobs    []func(context.Context)
	wake    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	stopped bool
}

func newFIFO() *fifo {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fifo{wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	go f.run()
	return f
}

func (f *fifo) push(j func(context.Context)) {
	f.mu.Lock()
	if f.stopped {
		f.mu.Unlock()
		j(f.ctx) // cancelled context: the job cleans up
		return
	}
	f.jobs = append(f.jobs, j)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *fifo) run() {
	defer close(f.done)
	for {
		f.mu.Lock()
		if len(f.jobs) == 0 {
			stopped := f.stopped
			f.mu.Unlock()
			if stopped {
				return
			}
			select {
			case <-f.wake:
			case <-f.ctx.Done():
			}
			continue
		}
		j := f.jobs[0]
		f.jobs[0] = nil
		f.jobs = f.jobs[1:]
		f.mu.Unlock()
		j(f.ctx)
	}
}

// stop cancels the running job, runs the queued ones with a cancelled
// context and waits. It is idempotent.
func (f *fifo) stop() {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	f.cancel()
	<-f.done
}

// Wait blocks until every compaction scheduled so far has finished (tests,
// defrag).
func (s *Store) WaitCompactions() {
	ch := make(chan struct{})
	s.mu.RLock()
	s.sched.push(func(context.Context) { close(ch) })
	s.mu.RUnlock()
	<-ch
}
