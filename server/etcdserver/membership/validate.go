package membership

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/raft/v3/raftpb"
)

// DefaultMaxLearners is etcd's default --max-learners.
const DefaultMaxLearners = 1

// Validate checks a conf change against the current members before it is
// applied, as etcd does; a rejected change is applied to raft as a no-op.
func (s *Store) Validate(cc *raftpb.ConfChange, maxLearners int) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id := cc.GetNodeId()
	if s.removed[id] {
		return ErrIDRemoved
	}
	switch cc.GetType() {
	case raftpb.ConfChangeAddNode, raftpb.ConfChangeAddLearnerNode:
		var ctx ConfigChangeContext
		if err := json.Unmarshal(cc.Context, &ctx); err != nil {
			return fmt.Errorf("membership: bad conf change context: %w", err)
		}
		if ctx.IsPromote {
			m := s.m[id]
			if m == nil {
				return ErrIDNotFound
			}
			if !m.IsLearner {
				return ErrMemberNotLearner
			}
			return nil
		}
		if s.m[id] != nil {
			return ErrIDExists
		}
		urls := map[string]bool{}
		learners := 0
		for _, m := range s.m {
			for _, u := range m.PeerURLs {
				urls[u] = true
			}
			if m.IsLearner {
				learners++
			}
		}
		for _, u := range ctx.PeerURLs {
			if urls[u] {
				return ErrPeerURLexists
			}
		}
		if ctx.IsLearner && cc.GetType() == raftpb.ConfChangeAddLearnerNode && learners+1 > maxLearners {
			return ErrTooManyLearners
		}
	case raftpb.ConfChangeRemoveNode:
		if s.m[id] == nil {
			return ErrIDNotFound
		}
	case raftpb.ConfChangeUpdateNode:
		if s.m[id] == nil {
			return ErrIDNotFound
		}
		var m Member
		if err := json.Unmarshal(cc.Context, &m); err != nil {
			return fmt.Errorf("membership: bad conf change context: %w", err)
		}
		urls := map[string]bool{}
		for _, o := range s.m {
			if o.ID == id {
				continue
			}
			for _, u := range o.PeerURLs {
				urls[u] = true
			}
		}
		for _, u := range m.PeerURLs {
			if urls[u] {
				return ErrPeerURLexists
			}
		}
	default:
		return fmt.Errorf("membership: unknown conf change type %v", cc.GetType())
	}
	return nil
}

// ReadyToAddVoter tells whether a quorum of the voting members would still
// be started after adding one more voter (etcd's strict reconfig check).
func ReadyToAddVoter(voters []Member) bool {
	n, started := 1, 0
	for _, m := range voters {
		if m.IsStarted() {
			started++
		}
		n++
	}
	if started == 1 && n == 2 {
		return true
	}
	return started >= n/2+1
}

// ReadyToRemoveVoter tells whether a quorum of the remaining voters is
// started.
func ReadyToRemoveVoter(voters []Member, id uint64) bool {
	n, started := 0, 0
	for _, m := range voters {
		if m.ID == id {
			continue
		}
		if m.IsStarted() {
			started++
		}
		n++
	}
	return started >= n/2+1
}

// ReadyToPromote tells whether a quorum would be started once the learner
// (counted as started) votes.
func ReadyToPromote(voters []Member) bool {
	n, started := 1, 1
	for _, m := range voters {
		if m.IsStarted() {
			started++
		}
		n++
	}
	return started >= n/2+1
}
