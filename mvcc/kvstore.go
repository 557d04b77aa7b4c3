package mvcc

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

const (
	defaultCompactionBatchLimit    = 1000
	defaultCompactionSleepInterval = 10 * time.Millisecond
)

// StoreConfig configures a Store. The zero value is usable.
type StoreConfig struct {
	// CompactionBatchLimit is the number of revisions removed per backend
	// transaction during compaction (default 1000).
	CompactionBatchLimit int
	// CompactionSleepInterval is the pause between compaction batches
	// (default 10ms).
	CompactionSleepInterval time.Duration
	// Logger; nil means no logging.
	Logger *zap.Logger
	// Registerer, when non-nil, receives the store's prometheus metrics.
	Registerer prometheus.Registerer
	// KillPoint, when non-nil, is called at each durability step of put and
	// compaction ("compact/scheduled", "compact/batch", "compact/finished").
	KillPoint func(point string)
}

// Store is the multi-version key-value store.
type Store struct {
	cfg StoreConfig
	lg  *zap.Logger
	le  Lessor
	m   *storeMetrics

	// mu is read-held by transactions and write-held to change the compact
	// revision and to swap the backend.
	mu  sync.RWMutex
	b   *backend.Backend
	idx *treeIndex

	revMu          sync.RWMutex
	currentRev     int64
	compactMainRev int64

	sched  *fifo
	hashes hashStorage

	// rangeScratch pools the temporary space of multi-key ranges.
	rangeScratch sync.Pool

	// notifier, when set (by the watchable store), sees every write
	// transaction's changes before they become visible.
	notifier notifier
}

type notifier interface {
	lockNotify()
	notify(rev int64, changes []*mvccpb.KeyValue)
	unlockNotify()
}

// NewStore opens the store kept in b, rebuilding the index from the backend
// and resuming an interrupted compaction. le may be nil when keys never carry
// leases.
func NewStore(b *backend.Backend, le Lessor, cfg StoreConfig) (*Store, error) {
	if cfg.CompactionBatchLimit <= 0 {
		cfg.CompactionBatchLimit = defaultCompactionBatchLimit
	}
	if cfg.CompactionSleepInterval <= 0 {
		cfg.CompactionSleepInterval = defaultCompactionSleepInterval
	}
	lg := cfg.Logger
	if lg == nil {
		lg = zap.NewNop()
	}
	s := &Store{cfg: cfg, lg: lg, le: le, b: b, m: newStoreMetrics(cfg.Registerer)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.restore(); err != nil {
		return nil, err
	}
	s.registerGauges(cfg.Registerer)
	return s, nil
}

func (s *Store) killPoint(p string) {
	if s.cfg.KillPoint != nil {
		s.cfg.KillPoint(p)
	}
}

// Backend returns the backend in use.
func (s *Store) Backend() *backend.Backend {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.b
}

// Rev is the current revision.
func (s *Store) Rev() int64 {
	s.revMu.RLock()
	defer s.revMu.RUnlock()
	return s.currentRev
}

// FirstRev is the compacted revision (-1 if never compacted).
func (s *Store) FirstRev() int64 {
	s.revMu.RLock()
	defer s.revMu.RUnlock()
	return s.compactMainRev
}

// CompactRev is FirstRev.
func (s *Store) CompactRev() int64 { return s.FirstRev() }

// Range reads at the current (or the given) revision.
func (s *Store) Range(ctx context.Context, key, end []byte, ro RangeOptions) (*RangeResult, error) {
	tr := s.Read(ctx)
	defer tr.End()
	return tr.Range(ctx, key, end, ro)
}

// Put writes one key in its own transaction.
func (s *Store) Put(key, value []byte, lease int64) int64 {
	tw := s.Write(context.Background())
	defer tw.End()
	return tw.Put(key, value, lease)
}

// DeleteRange deletes a range in its own transaction.
func (s *Store) DeleteRange(key, end []byte) (n, rev int64) {
	tw := s.Write(context.Background())
	defer tw.End()
	return tw.DeleteRange(key, end)
}

// Commit forces a backend commit.
func (s *Store) Commit() {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.b.ForceCommit()
}

// Close stops background compaction. It does not close the backend.
func (s *Store) Close() error {
	s.mu.Lock()
	sched := s.sched
	s.mu.Unlock()
	sched.stop()
	return nil
}

// Restore switches to backend b (e.g. after a snapshot was installed) and
// rebuilds the index from it.
func (s *Store) Restore(b *backend.Backend) error {
	s.mu.Lock()
	old := s.sched
	s.mu.Unlock()
	old.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = b
	return s.restore()
}

// restore rebuilds the index; s.mu is held.
func (s *Store) restore() error {
	s.idx = newTreeIndex()
	s.sched = newFIFO()
	s.revMu.Lock()
	s.currentRev, s.compactMainRev = 1, -1
	s.revMu.Unlock()

	tx := s.b.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Key)
	tx.UnsafeCreateBucket(backend.Meta)
	tx.Unlock()
	s.b.ForceCommit()

	rtx := s.b.ConcurrentReadTx()
	defer rtx.RUnlock()
	finished, finishedOK := readCompactRev(rtx, backend.FinishedCompactKey)
	scheduled, _ := readCompactRev(rtx, backend.ScheduledCompactKey)
	if finishedOK {
		s.compactMainRev = finished
	}
	keyToLease := make(map[string]int64)
	var kv mvccpb.KeyValue
	last := int64(1)
	err := rtx.UnsafeForEach(backend.Key, func(k, v []byte) error {
		rev, tomb, err := ParseRevisionKey(k)
		if err != nil {
			return err
		}
		kv.Reset()
		if err := decodeKeyValueInto(v, &kv); err != nil {
			return fmt.Errorf("revision %d.%d: %w", rev.Main, rev.Sub, err)
		}
		if rev.Main < last {
			return fmt.Errorf("mvcc: restore: revision %d after %d", rev.Main, last)
		}
		last = rev.Main
		ki := s.idx.restoreGet(kv.Key)
		switch {
		case ki != nil && tomb:
			_ = ki.tombstone(rev) // a tombstone of an already deleted key is ignored, as etcd
		case ki != nil:
			ki.put(rev)
		default:
			ki = &keyIndex{key: append([]byte(nil), kv.Key...)}
			if tomb {
				ki.restoreTombstone(rev)
			} else {
				ki.restore(Revision{Main: kv.CreateRevision}, rev, kv.Version)
			}
			s.idx.restoreInsert(ki)
		}
		switch {
		case tomb || kv.Lease == NoLease:
			delete(keyToLease, string(kv.Key))
		default:
			keyToLease[string(kv.Key)] = kv.Lease
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mvcc: restore: %w", err)
	}
	s.idx.restoreCount()
	s.revMu.Lock()
	s.currentRev = max(last, s.compactMainRev, scheduled)
	s.revMu.Unlock()
	for key, id := range keyToLease {
		if s.le == nil {
			s.lg.Warn("key has a lease but the store has no lessor", zap.String("key", key), zap.Int64("lease", id))
			continue
		}
		if err := s.le.Attach(id, key); err != nil {
			s.lg.Error("failed to attach a lease", zap.String("lease-id", fmt.Sprintf("%016x", id)), zap.Error(err))
		}
	}
	s.lg.Info("kvstore restored", zap.Int64("current-rev", s.currentRev), zap.Int64("compact-rev", s.compactMainRev))
	if finishedOK && scheduled <= finished {
		scheduled = 0
	}
	if scheduled > 0 {
		s.lg.Info("resuming scheduled compaction", zap.Int64("scheduled-compact-revision", scheduled))
		if _, err := s.compactLocked(scheduled); err != nil {
			s.lg.Warn("resumed compaction failed", zap.Int64("scheduled-compact-revision", scheduled), zap.Error(err))
		}
	}
	return nil
}
