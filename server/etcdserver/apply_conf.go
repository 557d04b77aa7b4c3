package etcdserver

import (
	"encoding/json"

	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
)

// peerSet is what membership changes update in the transport.
type peerSet interface {
	AddPeer(id uint64, urls []string)
	UpdatePeer(id uint64, urls []string)
	RemovePeer(id uint64)
}

// confApplier applies committed conf changes: it validates them against
// the members (as etcd does: a rejected change reaches raft as a no-op),
// applies them to raft, records them in the members buckets and updates
// the transport's peers. It stops the server when this member is removed.
type confApplier struct {
	lg          *zap.Logger
	id          uint64
	members     *membership.Store
	raft        *raftNode
	peers       peerSet
	wait        *waitRegistry
	maxLearners int
	// onRemoved is called when this member's removal is applied.
	onRemoved func()
}

// apply handles one conf-change entry; replay is set for an entry the
// backend already holds (a restart replaying the WAL), which only raft
// needs to see again.
func (c *confApplier) apply(e *raftpb.Entry, replay bool) {
	var cc raftpb.ConfChange
	if err := proto.Unmarshal(e.Data, &cc); err != nil {
		c.lg.Panic("failed to unmarshal conf change", zap.Error(err))
	}
	var err error
	if !replay {
		err = c.members.Validate(&cc, c.maxLearners)
	}
	rcc := &cc
	if err != nil {
		c.lg.Warn("rejected conf change", zap.Stringer("type", cc.GetType()), zap.String("node-id", idStr(cc.GetNodeId())), zap.Error(err))
		rcc = proto.Clone(&cc).(*raftpb.ConfChange)
		rcc.NodeId = proto.Uint64(0)
	}
	if _, rerr := c.raft.applyConfChange(rcc); rerr != nil {
		return // stopping
	}
	if err == nil && !replay {
		c.record(&cc)
	}
	c.wait.Trigger(cc.GetId(), &apply.Result{Err: err})
}

func (c *confApplier) record(cc *raftpb.ConfChange) {
	id := cc.GetNodeId()
	switch cc.GetType() {
	case raftpb.ConfChangeAddNode, raftpb.ConfChangeAddLearnerNode:
		var ctx membership.ConfigChangeContext
		if err := json.Unmarshal(cc.Context, &ctx); err != nil {
			c.lg.Panic("failed to unmarshal conf change context", zap.Error(err))
		}
		if ctx.IsPromote {
			c.members.Promote(id)
			c.lg.Info("promote member", zap.String("promoted-member-id", idStr(id)))
			return
		}
		m := ctx.Member
		m.ID = id
		c.members.Add(&m)
		if id != c.id {
			c.peers.AddPeer(id, m.PeerURLs)
		}
		c.lg.Info("added member", zap.String("local-member-id", idStr(c.id)), zap.String("added-peer-id", idStr(id)),
			zap.Strings("added-peer-peer-urls", m.PeerURLs), zap.Bool("added-peer-is-learner", m.IsLearner))
	case raftpb.ConfChangeRemoveNode:
		c.members.Remove(id)
		c.lg.Info("removed member", zap.String("local-member-id", idStr(c.id)), zap.String("removed-remote-peer-id", idStr(id)))
		if id == c.id {
			if c.onRemoved != nil {
				c.onRemoved()
			}
			return
		}
		c.peers.RemovePeer(id)
	case raftpb.ConfChangeUpdateNode:
		var m membership.Member
		if err := json.Unmarshal(cc.Context, &m); err != nil {
			c.lg.Panic("failed to unmarshal member", zap.Error(err))
		}
		c.members.UpdatePeerURLs(id, m.PeerURLs)
		if id != c.id {
			c.peers.UpdatePeer(id, m.PeerURLs)
		}
		c.lg.Info("updated member", zap.String("updated-remote-peer-id", idStr(id)), zap.Strings("updated-remote-peer-urls", m.PeerURLs))
	}
}

// syncPeers makes the transport know every member but this one.
func (c *confApplier) syncPeers() {
	for _, m := range c.members.Members() {
		if m.ID != c.id {
			c.peers.AddPeer(m.ID, m.PeerURLs)
		}
	}
}
