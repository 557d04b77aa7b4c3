package etcdserver

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
)

// heartbeatMonitor counts, as etcd does, the heartbeats a leader sends to
// a peer more than two heartbeat intervals after the previous one: the
// raft loop was held up, most often by a slow disk. It wraps the
// transport; Send is only called from the raft loop.
type heartbeatMonitor struct {
	next     Transport
	lg       *zap.Logger
	interval time.Duration
	failures prometheus.Counter
	now      func() time.Time

	// term is the term of the heartbeats in last: a new term (a new
	// leadership) starts over.
	term uint64
	last map[uint64]time.Time
}

func newHeartbeatMonitor(next Transport, lg *zap.Logger, interval time.Duration, failures prometheus.Counter) *heartbeatMonitor {
	return &heartbeatMonitor{next: next, lg: lg, interval: interval, failures: failures, now: time.Now, last: map[uint64]time.Time{}}
}

func (h *heartbeatMonitor) Send(msgs []*raftpb.Message) {
	for _, m := range msgs {
		if m.GetType() == raftpb.MsgHeartbeat {
			h.observe(m)
		}
	}
	h.next.Send(msgs)
}

func (h *heartbeatMonitor) observe(m *raftpb.Message) {
	now := h.now()
	if m.GetTerm() != h.term {
		h.term = m.GetTerm()
		clear(h.last)
	}
	to := m.GetTo()
	if last, ok := h.last[to]; ok {
		if exceeded := now.Sub(last) - 2*h.interval; exceeded > 0 {
			h.lg.Warn("leader failed to send out heartbeat on time; took too long, leader is overloaded likely from slow disk",
				zap.String("to", idStr(to)), zap.Duration("heartbeat-interval", h.interval),
				zap.Duration("expected-duration", 2*h.interval), zap.Duration("exceeded-duration", exceeded))
			h.failures.Inc()
		}
	}
	h.last[to] = now
}
