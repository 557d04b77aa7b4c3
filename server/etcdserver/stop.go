package etcdserver

import (
	"context"

	"go.etcd.io/raft/v3"
	"go.uber.org/zap"
)

// TransferLeadershipOnStop hands leadership to the most up-to-date connected
// voter when this member leads a cluster of several, as etcd does on a
// graceful stop, so that the others need not wait an election timeout for
// a new leader and requests in flight through them go on. It returns once
// the transfer is done or has failed; a lone member returns at once.
func (s *EtcdServer) TransferLeadershipOnStop() {
	if s.Leader() != s.id {
		return
	}
	transferee, ok := s.longestConnectedVoter()
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ReqTimeout())
	defer cancel()
	if err := s.MoveLeader(ctx, s.id, transferee); err != nil {
		s.lg.Warn("leadership transfer failed", zap.String("local-member-id", idStr(s.id)), zap.Error(err))
	}
}

// longestConnectedVoter is the connected voting peer whose log matches the
// leader's furthest.
func (s *EtcdServer) longestConnectedVoter() (uint64, bool) {
	var match map[uint64]uint64
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ReqTimeout())
	defer cancel()
	if err := s.raft.call(ctx, func(rn *raft.RawNode) {
		st := rn.Status()
		match = make(map[uint64]uint64, len(st.Progress))
		for id, pr := range st.Progress {
			if !pr.IsLearner {
				match[id] = pr.Match
			}
		}
	}); err != nil {
		return 0, false
	}
	var best, bestMatch uint64
	for _, m := range s.members.VotingMembers() {
		if m.ID == s.id || s.cluster == nil || s.cluster.tr.ActiveSince(m.ID).IsZero() {
			continue
		}
		if mm, ok := match[m.ID]; ok && (best == 0 || mm > bestMatch) {
			best, bestMatch = m.ID, mm
		}
	}
	return best, best != 0
}
