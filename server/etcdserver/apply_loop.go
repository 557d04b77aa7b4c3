package etcdserver

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
)

// applyLoop applies committed entries in order. An entry at or below the
// consistent index is already in the backend (a restart replays the WAL
// from the last snapshot) and is skipped.
type applyLoop struct {
	lg      *zap.Logger
	m       *serverMetrics
	be      *backend.Backend
	ci      *consistentIndex
	applier *apply.Applier
	members *membership.Store
	wait    *waitRegistry
	applied *indexWait
	snaps   *snapshotter
	// conf applies membership conf changes; restorer installs snapshots
	// received from the leader.
	conf     *confApplier
	restorer *snapshotRestorer

	appliedIndex atomic.Uint64
	appliedTerm  atomic.Uint64
	// applying is the entry being applied; the indexed KV sets the
	// consistent index to it when a write transaction begins.
	applyingIndex, applyingTerm uint64
	// onTermStart is called when a leader's empty entry of a term is
	// applied (the lessor is promoted then).
	onTermStart func(term uint64)
}

// indexedKV makes every write transaction set the consistent index to the
// entry being applied while it holds the batch lock, so that the entry's
// writes and its index always reach the same backend commit.
type indexedKV struct {
	mvcc.KV
	loop *applyLoop
}

func (k indexedKV) Write(ctx context.Context) mvcc.TxnWrite {
	tw := k.KV.Write(ctx)
	k.loop.ci.set(k.loop.applyingIndex, k.loop.applyingTerm)
	return tw
}

func (a *applyLoop) run(applyc <-chan toApply, stopc <-chan struct{}) {
	for {
		select {
		case ap := <-applyc:
			if ap.snapshot != nil {
				a.restoreSnapshot(ap.snapshot)
			}
			for _, e := range ap.entries {
				a.applyEntry(e)
			}
			a.snaps.maybeSnapshot(a.appliedIndex.Load(), a.appliedTerm.Load())
		case <-stopc:
			return
		}
	}
}

func (a *applyLoop) applyEntry(e *raftpb.Entry) {
	idx, term := e.GetIndex(), e.GetTerm()
	if idx <= a.appliedIndex.Load() {
		return // covered by a snapshot installed meanwhile
	}
	if idx <= a.ci.Index() && e.GetType() == raftpb.EntryConfChange {
		// Already in the backend, but raft must see it again.
		a.conf.apply(e, true)
	}
	if idx > a.ci.Index() {
		a.applyingIndex, a.applyingTerm = idx, term
		switch e.GetType() {
		case raftpb.EntryNormal:
			a.applyNormal(e)
		case raftpb.EntryConfChange:
			a.conf.apply(e, false)
		}
		// Entries that wrote nothing still move the consistent index.
		tx := a.be.BatchTx()
		tx.Lock()
		a.ci.set(idx, term)
		tx.Unlock()
	}
	a.appliedIndex.Store(idx)
	a.appliedTerm.Store(term)
	a.applied.Trigger(idx)
}

func (a *applyLoop) applyNormal(e *raftpb.Entry) {
	if len(e.Data) == 0 {
		// A new leader's empty entry.
		if a.onTermStart != nil {
			a.onTermStart(e.GetTerm())
		}
		return
	}
	r, id := a.request(e)
	start := time.Now()
	if m := r.ClusterMemberAttrSet; m != nil {
		a.members.SetAttributes(m.Member_ID, m.GetMemberAttributes().GetName(), m.GetMemberAttributes().GetClientUrls())
		a.observe(r, nil, start)
		a.wait.Trigger(id, &apply.Result{})
		return
	}
	if r.ClusterVersionSet != nil || r.DowngradeInfoSet != nil {
		a.observe(r, nil, start)
		a.wait.Trigger(id, &apply.Result{})
		return
	}
	res := a.applier.Apply(context.Background(), r)
	a.observe(r, res.Err, start)
	a.wait.Trigger(id, res)
}

// request is e's InternalRaftRequest and its ID. When this member proposed
// e and still waits for it, that is the request as proposed, which e's data
// is the marshalled form of: decoding it again would only copy it (and the
// decode differs from it only where proto3 cannot tell an empty field from
// an absent one, which the applier does not either).
func (a *applyLoop) request(e *raftpb.Entry) (*pb.InternalRaftRequest, uint64) {
	if id, ok := requestID(e.Data); ok {
		if r := a.wait.Request(id); r != nil {
			return r, id
		}
	}
	r := new(pb.InternalRaftRequest)
	if err := r.UnmarshalVT(e.Data); err != nil {
		a.lg.Panic("failed to unmarshal raft request", zap.Uint64("index", e.GetIndex()), zap.Error(err))
	}
	id := r.ID
	if r.Header != nil {
		id = r.Header.ID
	}
	return r, id
}

// observe records the apply of r, begun at start: a compacted revision is
// a success, as in etcd. An apply slower than warnApplyDuration is counted
// and logged.
func (a *applyLoop) observe(r *pb.InternalRaftRequest, err error, start time.Time) {
	took := time.Since(start)
	t := reqType(r)
	a.m.observeApply(t, err == nil || errors.Is(err, mvcc.ErrCompacted), took)
	if took > warnApplyDuration {
		a.m.slowApplies.Inc()
		a.lg.Warn("apply request took too long", zap.Duration("took", took), zap.Duration("expected-duration", warnApplyDuration),
			zap.String("prefix", ""), zap.String("request", applyOpName(t)), zap.Error(err))
	}
}

// warnApplyDuration is etcd's default --warning-apply-duration: applies
// and local reads slower than this are logged and counted as slow.
const warnApplyDuration = 100 * time.Millisecond
