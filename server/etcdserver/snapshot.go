package etcdserver

import (
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/raftwal/v3/wal"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// snapshotter takes a snapshot every count applied entries: it commits the
// backend (so the backend holds everything up to the snapshot index), writes
// the snapshot file, then the WAL snapshot record, releases older WAL
// segments and compacts the in-memory raft log, keeping catchUp entries for
// slow followers.
// snapStore is what the server needs from snapshot files (raftwal/snap).
type snapStore interface {
	SaveSnap(s *raftpb.Snapshot) error
	LoadNewestAvailable(walSnaps []*walpb.Snapshot) (*raftpb.Snapshot, error)
	Purge(max int) ([]string, error)
}

type snapshotter struct {
	lg        *zap.Logger
	count     uint64
	catchUp   uint64
	be        *backend.Backend
	storage   *raft.MemoryStorage
	wal       *wal.WAL
	files     snapStore
	confState func() *raftpb.ConfState
	// maxSnaps and maxWALs are how many snapshot and WAL files to keep
	// (0: all); walDir holds the WAL segments.
	maxSnaps, maxWALs int
	walDir            string

	snapIndex uint64
}

func (s *snapshotter) maybeSnapshot(applied, term uint64) {
	if s.count == 0 || applied <= s.snapIndex || applied-s.snapIndex <= s.count {
		return
	}
	s.snapshot(applied, term)
}

func (s *snapshotter) snapshot(applied, term uint64) {
	s.be.ForceCommit()
	snap, err := s.storage.CreateSnapshot(applied, s.confState(), nil)
	if err != nil {
		if err == raft.ErrSnapOutOfDate {
			return
		}
		s.lg.Panic("failed to create snapshot", zap.Error(err))
	}
	if err := s.files.SaveSnap(snap); err != nil {
		s.lg.Panic("failed to save snapshot", zap.Error(err))
	}
	ws := &walpb.Snapshot{Index: applied, Term: snap.GetMetadata().GetTerm(), ConfState: snap.GetMetadata().GetConfState()}
	if err := s.wal.SaveSnapshot(ws); err != nil {
		s.lg.Panic("failed to save WAL snapshot record", zap.Error(err))
	}
	if err := s.wal.ReleaseLockTo(applied); err != nil {
		s.lg.Warn("failed to release WAL locks", zap.Error(err))
	}
	s.purge()
	s.snapIndex = applied
	s.lg.Info("saved snapshot", zap.Uint64("snapshot-index", applied))
	if applied > s.catchUp {
		compactTo := applied - s.catchUp
		if err := s.storage.Compact(compactTo); err != nil && err != raft.ErrCompacted {
			s.lg.Panic("failed to compact raft log", zap.Error(err))
		}
		s.lg.Info("compacted Raft logs", zap.Uint64("compact-index", compactTo))
	}
}

// purge removes the oldest snapshot files and WAL segments beyond the
// configured counts. A segment the WAL still holds (locked: not yet covered
// by a snapshot) is never removed, so purging stops at the first one.
func (s *snapshotter) purge() {
	if s.maxSnaps > 0 {
		if _, err := s.files.Purge(s.maxSnaps); err != nil {
			s.lg.Warn("failed to purge snapshot files", zap.Error(err))
		}
	}
	if s.maxWALs > 0 && s.walDir != "" {
		removed, err := fileutil.PurgeOnce(s.walDir, ".wal", s.maxWALs)
		for _, p := range removed {
			s.lg.Info("purged", zap.String("path", p))
		}
		if err != nil {
			s.lg.Warn("failed to purge WAL files", zap.Error(err))
		}
	}
}
