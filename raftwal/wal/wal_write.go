package wal

import (
	"path/filepath"
	"time"

	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

const (
	// warnSyncDuration is how long an fsync may take before a warning.
	warnSyncDuration = time.Second
	// flushThresholdBytes bounds the frames buffered within one call.
	flushThresholdBytes = 1 << 20
	// maxKeptBufferBytes is the largest frame buffer kept for reuse.
	maxKeptBufferBytes = 4 << 20
)

func isEmptyHardState(st *raftpb.HardState) bool {
	return st == nil || (st.GetTerm() == 0 && st.GetVote() == 0 && st.GetCommit() == 0)
}

// savedState is the last HardState saved: its values, and its encoding to
// repeat at the head of each new segment.
type savedState struct {
	term, vote, commit uint64
	data               []byte // nil when no state was saved
}

// mustSync is raft.MustSync: entries, term and vote must be durable before
// raft goes on; a commit index alone need not.
func mustSync(st *raftpb.HardState, prev *savedState, entsnum int) bool {
	return entsnum != 0 || st.GetVote() != prev.vote || st.GetTerm() != prev.term
}

// Save appends ents and, if not empty, st, then syncs once if raft needs it
// (entries, or a new term or vote). It does nothing for an empty st and no
// entries. When the tail segment reaches its size limit it is cut and a new
// one started. After a write or sync error the WAL refuses further writes
// (ErrFailed): what reached the disk is unknown and the caller must stop.
func (w *WAL) Save(st *raftpb.HardState, ents []*raftpb.Entry) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.writable(); err != nil {
		return err
	}
	if isEmptyHardState(st) && len(ents) == 0 {
		return nil
	}
	sync := mustSync(st, &w.state, len(ents))
	for _, e := range ents {
		if err := w.enc.appendEntry(e); err != nil {
			return w.fail(err)
		}
		w.enti = e.GetIndex()
		if len(w.enc.buf) >= flushThresholdBytes {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	if err := w.saveState(st); err != nil {
		return err
	}
	if w.off+int64(len(w.enc.buf)) < w.cfg.SegmentSizeBytes {
		if sync {
			return w.sync()
		}
		return nil
	}
	return w.cut()
}

func (w *WAL) saveState(st *raftpb.HardState) error {
	if isEmptyHardState(st) {
		return nil
	}
	data, err := w.enc.appendState(st)
	if err != nil {
		return w.fail(err)
	}
	w.state.term, w.state.vote, w.state.commit = st.GetTerm(), st.GetVote(), st.GetCommit()
	w.state.data = append(w.state.data[:0], data...)
	return nil
}

// SaveSnapshot records that a snapshot at s was taken and syncs. s past
// index 0 must carry a ConfState.
func (w *WAL) SaveSnapshot(s *walpb.Snapshot) error {
	if err := walpb.ValidateSnapshotForWrite(s); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.writable(); err != nil {
		return err
	}
	if err := w.enc.appendSnapshot(s); err != nil {
		return w.fail(err)
	}
	if w.enti < s.Index {
		w.enti = s.Index
	}
	return w.sync()
}

// Sync writes out buffered records and syncs the tail segment.
func (w *WAL) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.writable(); err != nil {
		return err
	}
	return w.sync()
}

// flush writes the buffered frames to the tail at the current offset.
func (w *WAL) flush() error {
	if len(w.enc.buf) == 0 {
		return nil
	}
	t := w.tail()
	if t == nil || t.f == nil {
		return w.fail(errNoTail)
	}
	start := time.Now()
	n, err := t.f.Write(w.enc.buf)
	w.cfg.Metrics.Written(time.Since(start), n)
	w.off += int64(n)
	if err != nil {
		return w.fail(err)
	}
	if cap(w.enc.buf) > maxKeptBufferBytes {
		w.enc.buf = nil
	} else {
		w.enc.buf = w.enc.buf[:0]
	}
	return nil
}

// sync flushes and fdatasyncs the tail.
func (w *WAL) sync() error {
	if err := w.flush(); err != nil {
		return err
	}
	if w.cfg.UnsafeNoFsync {
		return nil
	}
	start := time.Now()
	err := w.tail().f.Datasync()
	took := time.Since(start)
	w.cfg.Metrics.Synced(took)
	if took > warnSyncDuration {
		w.lg.Warn("slow fdatasync", zap.Duration("took", took), zap.Duration("expected-duration", warnSyncDuration))
	}
	return w.fail(err)
}

// cut closes the tail at its written length and continues in a new
// segment named for the next sequence and the next entry index. The new
// segment is prepared under a temporary name with its header records
// (crc, metadata, hard state), synced, renamed into place and the
// directory synced.
func (w *WAL) cut() error {
	if err := w.flush(); err != nil {
		return err
	}
	old := w.tail()
	if err := old.f.Truncate(w.off); err != nil {
		return w.fail(err)
	}
	if err := w.sync(); err != nil {
		return err
	}
	f, err := w.fp.open()
	if err != nil {
		return w.fail(err)
	}
	seg := &segment{f: f, name: filepath.Base(f.Name()), seq: old.seq + 1, index: w.enti + 1}
	w.segs = append(w.segs, seg)
	w.off = 0
	w.enc.appendCrc()
	w.enc.appendRecord(MetadataType, w.metadata)
	if w.state.data != nil {
		w.enc.appendRecord(StateType, w.state.data)
	}
	if err := w.sync(); err != nil {
		return err
	}
	name := walName(seg.seq, seg.index)
	if err := w.fs.Rename(filepath.Join(w.dir, seg.name), filepath.Join(w.dir, name)); err != nil {
		return w.fail(err)
	}
	seg.name = name
	start := time.Now()
	if err := w.dirFile.Sync(); err != nil {
		return w.fail(err)
	}
	if took := time.Since(start); took > warnSyncDuration {
		w.lg.Warn("slow directory fsync", zap.Duration("took", took))
	}
	w.lg.Info("created a new WAL segment", zap.String("path", filepath.Join(w.dir, name)))
	return nil
}
