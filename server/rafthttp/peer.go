package rafthttp

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
)

// Queue sizes: appends may pile up behind a slow link; the other stream
// carries, besides heartbeats and votes, the proposals a follower forwards
// to the leader, one message each — under load as many as appends.
const (
	appQueueSize = 4096
	msgQueueSize = 4096
)

// Reconnect backoff bounds.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = time.Second
)

// peer is one remote member: two stream writers and a snapshot sender.
type peer struct {
	t  *Transport
	id uint64
	m  *peerMetrics

	urlMu sync.Mutex
	urls  []string
	next  int

	app, msg *streamWriter
	snapc    chan *raftpb.Message

	connected atomic.Int32
	since     atomic.Int64 // unix nanos when both streams last connected

	stopc    chan struct{}
	stopOnce sync.Once
}

func newPeer(t *Transport, id uint64, urls []string) *peer {
	p := &peer{t: t, id: id, m: t.cfg.Metrics.peer(t.cfg.ID, id), urls: append([]string(nil), urls...), snapc: make(chan *raftpb.Message, 1), stopc: make(chan struct{})}
	p.app = &streamWriter{p: p, kind: streamMsgApp, q: make(chan *raftpb.Message, appQueueSize)}
	p.msg = &streamWriter{p: p, kind: streamMessage, q: make(chan *raftpb.Message, msgQueueSize)}
	return p
}

func (p *peer) start(wg *sync.WaitGroup) {
	for _, fn := range []func(){p.app.run, p.msg.run, p.runSnapshots, p.runProbes} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
}

func (p *peer) stop() { p.stopOnce.Do(func() { close(p.stopc) }) }

func (p *peer) setURLs(urls []string) {
	p.urlMu.Lock()
	p.urls = append([]string(nil), urls...)
	p.next = 0
	p.urlMu.Unlock()
}

// pickURL rotates through the peer's URLs, one per connection attempt.
func (p *peer) pickURL() string {
	p.urlMu.Lock()
	defer p.urlMu.Unlock()
	if len(p.urls) == 0 {
		return ""
	}
	u := p.urls[p.next%len(p.urls)]
	p.next++
	return u
}

func (p *peer) send(m *raftpb.Message) {
	var q chan *raftpb.Message
	switch m.GetType() {
	case raftpb.MsgSnap:
		select {
		case p.snapc <- m:
		default:
			p.t.lg.Warn("dropped snapshot message; a snapshot is already being sent", zap.String("remote-peer-id", idStr(p.id)))
			p.t.cfg.Raft.ReportSnapshot(p.id, raft.SnapshotFailure)
		}
		return
	case raftpb.MsgApp:
		q = p.app.q
	default:
		q = p.msg.q
	}
	select {
	case q <- m:
	default:
		p.m.sendFailed()
		if m.GetType() == raftpb.MsgApp {
			p.t.cfg.Raft.ReportUnreachable(p.id)
		}
		p.t.lg.Debug("dropped message; peer queue is full", zap.String("remote-peer-id", idStr(p.id)), zap.Stringer("type", m.GetType()))
	}
}

func (p *peer) setConnected(up bool) {
	if up {
		if p.connected.Add(1) == 2 {
			p.since.Store(time.Now().UnixNano())
			p.m.setActive(true)
			p.t.lg.Info("peer became active", zap.String("local-member-id", idStr(p.t.cfg.ID)), zap.String("remote-peer-id", idStr(p.id)))
		}
		return
	}
	if p.connected.Add(-1) == 1 {
		p.since.Store(0)
		p.m.setActive(false)
		p.t.lg.Warn("peer became inactive (message send to peer failed)", zap.String("local-member-id", idStr(p.t.cfg.ID)), zap.String("remote-peer-id", idStr(p.id)))
	}
}

func (p *peer) activeSince() time.Time {
	if n := p.since.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// backoff grows a reconnect delay with jitter.
type backoff struct{ d time.Duration }

func (b *backoff) next() time.Duration {
	if b.d == 0 {
		b.d = minBackoff
	} else if b.d *= 2; b.d > maxBackoff {
		b.d = maxBackoff
	}
	return b.d/2 + time.Duration(rand.Int64N(int64(b.d/2)+1))
}

func (b *backoff) reset() { b.d = 0 }
