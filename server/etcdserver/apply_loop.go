package etcdserver

import (
	"context"
	"encoding/json"
	"sync/atomic"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

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
	be      *backend.Backend
	ci      *consistentIndex
	applier *apply.Applier
	members *membership.Store
	wait    *waitRegistry
	applied *indexWait
	snaps   *snapshotter

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
	if idx > a.ci.Index() {
		a.applyingIndex, a.applyingTerm = idx, term
		switch e.GetType() {
		case raftpb.EntryNormal:
			a.applyNormal(e)
		case raftpb.EntryConfChange:
			a.applyConfChange(e)
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
	var r pb.InternalRaftRequest
	if err := r.UnmarshalVT(e.Data); err != nil {
		a.lg.Panic("failed to unmarshal raft request", zap.Uint64("index", e.GetIndex()), zap.Error(err))
	}
	id := r.ID
	if r.Header != nil {
		id = r.Header.ID
	}
	if m := r.ClusterMemberAttrSet; m != nil {
		a.members.SetAttributes(m.Member_ID, m.GetMemberAttributes().GetName(), m.GetMemberAttributes().GetClientUrls())
		a.wait.Trigger(id, &apply.Result{})
		return
	}
	if r.ClusterVersionSet != nil || r.DowngradeInfoSet != nil {
		a.wait.Trigger(id, &apply.Result{})
		return
	}
	res := a.applier.Apply(context.Background(), &r)
	a.wait.Trigger(id, res)
}

func (a *applyLoop) applyConfChange(e *raftpb.Entry) {
	var cc raftpb.ConfChange
	if err := proto.Unmarshal(e.Data, &cc); err != nil {
		a.lg.Panic("failed to unmarshal conf change", zap.Error(err))
	}
	switch cc.GetType() {
	case raftpb.ConfChangeAddNode, raftpb.ConfChangeAddLearnerNode:
		var m membership.Member
		if err := json.Unmarshal(cc.Context, &m); err != nil {
			a.lg.Warn("conf change without member context", zap.Error(err))
			return
		}
		m.ID = cc.GetNodeId()
		a.members.Add(&m)
		a.lg.Info("added member", zap.String("added-peer-id", idStr(m.ID)), zap.Strings("added-peer-peer-urls", m.PeerURLs))
	}
}
