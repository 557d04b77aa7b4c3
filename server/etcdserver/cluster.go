package etcdserver

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
)

// healthInterval is how long peers must have been connected before a
// reconfiguration that could break the active quorum is allowed (etcd's).
const healthInterval = 5 * time.Second

// learnerReadyPercent is how close to the leader's log a learner must be
// to be promoted (etcd's).
const learnerReadyPercent = 0.9

// IsLearner tells whether this member is a learner.
func (s *EtcdServer) IsLearner() bool {
	return s.members.IsLearner(s.id)
}

// MemberList lists the members; with linearizable it first waits for a
// ReadIndex round so the list is not stale.
func (s *EtcdServer) MemberList(ctx context.Context, linearizable bool) ([]membership.Member, error) {
	if linearizable {
		if err := s.reads.Wait(ctx); err != nil {
			return nil, err
		}
	}
	return s.members.Members(), nil
}

// AddMember adds m (a voter or a learner) through a raft conf change.
func (s *EtcdServer) AddMember(ctx context.Context, m membership.Member) ([]membership.Member, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := s.mayAddMember(m); err != nil {
		return nil, err
	}
	typ := raftpb.ConfChangeAddNode
	if m.IsLearner {
		typ = raftpb.ConfChangeAddLearnerNode
	}
	return s.configure(ctx, &raftpb.ConfChange{Type: typ.Enum(), NodeId: proto.Uint64(m.ID), Context: b})
}

func (s *EtcdServer) mayAddMember(m membership.Member) error {
	voters := s.members.VotingMembers()
	if !m.IsLearner && !membership.ReadyToAddVoter(voters) {
		s.lg.Warn("rejecting member add request; not enough healthy members", zap.String("local-member-id", idStr(s.id)), zap.Error(errs.ErrNotEnoughStartedMembers))
		return errs.ErrNotEnoughStartedMembers
	}
	// As etcd: every voting member must have been connected for a while
	// (a lone member trivially is, so a 1-member cluster can grow).
	if s.connectedVoters(voters) < len(voters) {
		s.lg.Warn("rejecting member add request; local member has not been connected to majority peers, reconfigure breaks active quorum", zap.Error(errs.ErrUnhealthy))
		return errs.ErrUnhealthy
	}
	return nil
}

// connectedVoters counts this member and the voters connected for at
// least healthInterval.
func (s *EtcdServer) connectedVoters(voters []membership.Member) int {
	since := time.Now().Add(-healthInterval)
	n := 0
	for _, m := range voters {
		if m.ID == s.id {
			n++
			continue
		}
		if t := s.cluster.tr.ActiveSince(m.ID); !t.IsZero() && t.Before(since) {
			n++
		}
	}
	return n
}

// RemoveMember removes member id through a raft conf change.
func (s *EtcdServer) RemoveMember(ctx context.Context, id uint64) ([]membership.Member, error) {
	if err := s.mayRemoveMember(id); err != nil {
		return nil, err
	}
	return s.configure(ctx, &raftpb.ConfChange{Type: raftpb.ConfChangeRemoveNode.Enum(), NodeId: proto.Uint64(id)})
}

func (s *EtcdServer) mayRemoveMember(id uint64) error {
	if m := s.members.Member(id); m != nil && m.IsLearner {
		return nil
	}
	voters := s.members.VotingMembers()
	if !membership.ReadyToRemoveVoter(voters, id) {
		s.lg.Warn("rejecting member remove request; not enough healthy members", zap.String("requested-member-remove-id", idStr(id)), zap.Error(errs.ErrNotEnoughStartedMembers))
		return errs.ErrNotEnoughStartedMembers
	}
	// Removing a member that is down does not lower the active quorum.
	if id != s.id && s.cluster.tr.ActiveSince(id).IsZero() {
		return nil
	}
	active := s.connectedVoters(voters)
	if active-1 < 1+(len(voters)-1)/2 {
		s.lg.Warn("rejecting member remove request; local member has not been connected to all peers, reconfigure breaks active quorum", zap.Int("active-peers", active), zap.Error(errs.ErrUnhealthy))
		return errs.ErrUnhealthy
	}
	return nil
}

// UpdateMember changes the peer URLs of member m.ID.
func (s *EtcdServer) UpdateMember(ctx context.Context, m membership.Member) ([]membership.Member, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return s.configure(ctx, &raftpb.ConfChange{Type: raftpb.ConfChangeUpdateNode.Enum(), NodeId: proto.Uint64(m.ID), Context: b})
}

// PromoteMember makes learner id a voting member. Only the leader knows
// how far behind the learner is, so a follower forwards the request to it
// over the peer URLs.
func (s *EtcdServer) PromoteMember(ctx context.Context, id uint64) ([]membership.Member, error) {
	ms, err := s.promoteMember(ctx, id)
	if !errors.Is(err, errs.ErrNotLeader) {
		if err != nil {
			s.m.promoteFailures.WithLabelValues(err.Error()).Inc()
		}
		return ms, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ReqTimeout())
	defer cancel()
	for ctx.Err() == nil {
		lead := s.Leader()
		if lead == 0 || lead == s.id {
			select {
			case <-time.After(time.Duration(s.cfg.TickMs) * time.Millisecond):
			case <-ctx.Done():
			case <-s.stopc:
				return nil, errs.ErrStopped
			}
			if lead == s.id {
				if ms, err := s.promoteMember(ctx, id); !errors.Is(err, errs.ErrNotLeader) {
					return ms, err
				}
			}
			continue
		}
		m := s.members.Member(lead)
		if m == nil {
			continue
		}
		for _, u := range m.PeerURLs {
			ms, err := s.cluster.promoteRemote(ctx, u, id)
			if err == nil {
				return ms, nil
			}
			if errors.Is(err, errs.ErrLearnerNotReady) || errors.Is(err, membership.ErrIDNotFound) || errors.Is(err, membership.ErrMemberNotLearner) {
				return nil, err
			}
			s.lg.Warn("failed to forward promote to the leader", zap.String("leader-peer-url", u), zap.Error(err))
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, errs.ErrTimeout
	}
	return nil, errs.ErrCanceled
}

// promoteMember runs on the leader.
func (s *EtcdServer) promoteMember(ctx context.Context, id uint64) ([]membership.Member, error) {
	if err := s.isLearnerReady(ctx, id); err != nil {
		return nil, err
	}
	if !membership.ReadyToPromote(s.members.VotingMembers()) {
		return nil, errs.ErrNotEnoughStartedMembers
	}
	b, err := json.Marshal(membership.ConfigChangeContext{Member: membership.Member{ID: id}, IsPromote: true})
	if err != nil {
		return nil, err
	}
	ms, err := s.configure(ctx, &raftpb.ConfChange{Type: raftpb.ConfChangeAddNode.Enum(), NodeId: proto.Uint64(id), Context: b})
	if err == nil {
		s.m.learnerPromotes.Inc()
	}
	return ms, err
}

func (s *EtcdServer) isLearnerReady(ctx context.Context, id uint64) error {
	st, err := s.raft.status(ctx)
	if err != nil {
		return err
	}
	if st.Progress == nil {
		return errs.ErrNotLeader
	}
	pr, ok := st.Progress[id]
	if !ok {
		return membership.ErrIDNotFound
	}
	leaderMatch := st.Progress[st.ID].Match
	if leaderMatch > 0 && float64(pr.Match)/float64(leaderMatch) < learnerReadyPercent {
		s.lg.Warn("rejecting promote learner: learner is not ready", zap.Uint64("learner-match", pr.Match), zap.Uint64("leader-match", leaderMatch))
		return errs.ErrLearnerNotReady
	}
	return nil
}

// configure proposes a conf change and waits until it is applied.
func (s *EtcdServer) configure(ctx context.Context, cc *raftpb.ConfChange) ([]membership.Member, error) {
	id := s.reqIDs.Next()
	cc.Id = proto.Uint64(id)
	ch := s.wait.Register(id, nil)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ReqTimeout())
	defer cancel()
	var perr error
	if err := s.raft.call(ctx, func(rn *raft.RawNode) { perr = rn.ProposeConfChange(cc) }); err != nil {
		s.wait.Trigger(id, nil)
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, errs.ErrTimeout
		}
		return nil, err
	}
	if perr != nil {
		s.wait.Trigger(id, nil)
		if errors.Is(perr, raft.ErrProposalDropped) {
			return nil, errs.ErrNoLeader
		}
		return nil, perr
	}
	select {
	case x := <-ch:
		res, _ := x.(*apply.Result)
		if res == nil {
			return nil, errs.ErrStopped
		}
		if res.Err != nil {
			return nil, res.Err
		}
		return s.members.Members(), nil
	case <-ctx.Done():
		s.wait.Trigger(id, nil)
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, errs.ErrCanceled
		}
		return nil, errs.ErrTimeout
	case <-s.stopc:
		return nil, errs.ErrStopped
	}
}

// MoveLeader transfers leadership from lead (this member) to transferee
// and waits until the transferee leads.
func (s *EtcdServer) MoveLeader(ctx context.Context, lead, transferee uint64) error {
	if s.Leader() != s.id {
		return errs.ErrNotLeader
	}
	m := s.members.Member(transferee)
	if m == nil || m.IsLearner {
		return errs.ErrBadLeaderTransferee
	}
	s.lg.Info("leadership transfer starting", zap.String("local-member-id", idStr(s.id)),
		zap.String("current-leader-member-id", idStr(lead)), zap.String("transferee-member-id", idStr(transferee)))
	start := time.Now()
	if err := s.raft.call(ctx, func(rn *raft.RawNode) { rn.TransferLeader(transferee) }); err != nil {
		return errs.ErrTimeoutLeaderTransfer
	}
	interval := time.Duration(s.cfg.TickMs) * time.Millisecond
	for s.Leader() != transferee {
		select {
		case <-ctx.Done():
			return errs.ErrTimeoutLeaderTransfer
		case <-s.stopc:
			return errs.ErrStopped
		case <-time.After(interval):
		}
	}
	s.lg.Info("leadership transfer finished", zap.String("old-leader-member-id", idStr(lead)),
		zap.String("new-leader-member-id", idStr(transferee)), zap.Duration("took", time.Since(start)))
	return nil
}
