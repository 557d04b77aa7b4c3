package etcdserver

import (
	"context"
	"fmt"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
)

// sendApply hands a batch to the apply loop. While it waits, it keeps
// running calls, because the apply loop asks the raft loop to apply conf
// changes and would otherwise deadlock with it.
func (r *raftNode) sendApply(ap toApply) bool {
	for {
		select {
		case r.applyc <- ap:
			return true
		case fn := <-r.callc:
			fn(r.rn)
		case <-r.stopc:
			return false
		}
	}
}

// saveSnapshot persists a snapshot received from the leader: the snapshot
// file first, then the WAL record (a WAL snapshot record never lacks its
// file), then the in-memory log.
func (r *raftNode) saveSnapshot(sn *raftpb.Snapshot) error {
	if r.snaps != nil {
		if err := r.snaps.SaveSnap(sn); err != nil {
			return fmt.Errorf("failed to save snapshot: %w", err)
		}
	}
	md := sn.GetMetadata()
	if err := r.wal.SaveSnapshot(&walpb.Snapshot{Index: md.GetIndex(), Term: md.GetTerm(), ConfState: md.GetConfState()}); err != nil {
		return fmt.Errorf("failed to save WAL snapshot record: %w", err)
	}
	if err := r.storage.ApplySnapshot(sn); err != nil && err != raft.ErrSnapOutOfDate {
		return err
	}
	r.confMu.Lock()
	r.confState = proto.Clone(md.GetConfState()).(*raftpb.ConfState)
	r.confMu.Unlock()
	if err := r.wal.ReleaseLockTo(md.GetIndex()); err != nil {
		r.lg.Warn("failed to release WAL locks", zap.Error(err))
	}
	return nil
}

// call runs fn on the RawNode in the raft loop and waits for it.
func (r *raftNode) call(ctx context.Context, fn func(*raft.RawNode)) error {
	done := make(chan struct{})
	select {
	case r.callc <- func(rn *raft.RawNode) { fn(rn); close(done) }:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopc:
		return errs.ErrStopped
	}
	select {
	case <-done:
		return nil
	case <-r.stopc:
		return errs.ErrStopped
	}
}

// callAsync queues fn without waiting; it is dropped when the loop is busy.
func (r *raftNode) callAsync(fn func(*raft.RawNode)) {
	select {
	case r.callc <- fn:
	default:
	}
}

// applyConfChange applies cc to raft and records the new ConfState.
func (r *raftNode) applyConfChange(cc *raftpb.ConfChange) (*raftpb.ConfState, error) {
	var cs *raftpb.ConfState
	err := r.call(context.Background(), func(rn *raft.RawNode) {
		cs = rn.ApplyConfChange(cc)
		r.confMu.Lock()
		r.confState = cs
		r.confMu.Unlock()
	})
	return cs, err
}

// Process hands a message received from a peer to raft.
func (r *raftNode) Process(ctx context.Context, m *raftpb.Message) error {
	select {
	case r.recvc <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopc:
		return errs.ErrStopped
	}
}

// ReportUnreachable tells raft that a message to id was lost.
func (r *raftNode) ReportUnreachable(id uint64) {
	r.callAsync(func(rn *raft.RawNode) { rn.ReportUnreachable(id) })
}

// ReportSnapshot tells raft how sending a snapshot to id ended.
func (r *raftNode) ReportSnapshot(id uint64, status raft.SnapshotStatus) {
	select {
	case r.callc <- func(rn *raft.RawNode) { rn.ReportSnapshot(id, status) }:
	case <-r.stopc:
	}
}

// status is the raft status, read inside the loop.
func (r *raftNode) status(ctx context.Context) (raft.Status, error) {
	var st raft.Status
	err := r.call(ctx, func(rn *raft.RawNode) { st = rn.Status() })
	return st, err
}
