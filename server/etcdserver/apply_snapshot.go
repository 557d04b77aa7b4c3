package etcdserver

import (
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/raftwal/v3/snap"
)

// snapshotRestorer installs a snapshot received from the leader: the
// database saved beside it (<index>.snap.db) replaces the backend file and
// everything that caches backend state is reloaded.
type snapshotRestorer struct {
	lg *zap.Logger
	be *backend.Backend
	// dbPath finds the received database of a snapshot index.
	dbPath func(index uint64) (string, error)
	// reload hooks run after the file is replaced, in order (KV index,
	// members, leases, …).
	reload []func() error
}

// restoreSnapshot runs in the apply loop.
func (a *applyLoop) restoreSnapshot(sn *raftpb.Snapshot) {
	idx, term := sn.GetMetadata().GetIndex(), sn.GetMetadata().GetTerm()
	if idx <= a.appliedIndex.Load() {
		return
	}
	r := a.restorer
	a.m.snapshotApplying.Set(1)
	defer a.m.snapshotApplying.Set(0)
	a.lg.Info("applying snapshot", zap.Uint64("incoming-leader-snapshot-index", idx), zap.Uint64("current-applied-index", a.appliedIndex.Load()))
	path, err := r.dbPath(idx)
	if err != nil {
		a.lg.Panic("failed to find database snapshot file", zap.Uint64("snapshot-index", idx), zap.Error(err))
	}
	if err := r.be.ReplaceFile(path); err != nil {
		a.lg.Panic("failed to replace backend with snapshot database", zap.Error(err))
	}
	tx := r.be.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Meta)
	ci, cterm := backend.UnsafeReadConsistentIndex(tx)
	tx.Unlock()
	if ci < idx {
		a.lg.Panic("snapshot database is older than the snapshot", zap.Uint64("db-index", ci), zap.Uint64("snapshot-index", idx))
	}
	a.ci.set(ci, cterm)
	// The reloads open write transactions (the lease store's), which set
	// the consistent index to the entry being applied: that is now the
	// snapshot's state, not the last entry applied before it, or the index
	// would move back and entries already in the database be applied twice.
	a.applyingIndex, a.applyingTerm = ci, cterm
	for _, fn := range r.reload {
		if err := fn(); err != nil {
			a.lg.Panic("failed to reload state from snapshot database", zap.Error(err))
		}
	}
	a.appliedIndex.Store(idx)
	a.appliedTerm.Store(term)
	a.applied.Trigger(idx)
	if a.snaps != nil {
		a.snaps.snapIndex = idx
	}
	a.lg.Info("applied snapshot", zap.Uint64("snapshot-index", idx), zap.Uint64("consistent-index", ci))
}

// recoverSnapshotDB installs the received database of snapshot index idx
// when a crash came between persisting the snapshot and installing it.
func recoverSnapshotDB(lg *zap.Logger, be *backend.Backend, snaps *snap.Snapshotter, idx uint64) (uint64, uint64, error) {
	path, err := snaps.DBFilePath(idx)
	if err == nil {
		err = be.ReplaceFile(path)
	}
	if err != nil {
		lg.Warn("failed to recover backend from snapshot database", zap.Uint64("snapshot-index", idx), zap.Error(err))
	}
	tx := be.BatchTx()
	tx.Lock()
	ci, term := backend.UnsafeReadConsistentIndex(tx)
	tx.Unlock()
	return ci, term, nil
}
