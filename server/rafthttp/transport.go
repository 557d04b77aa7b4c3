package rafthttp

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
)

// Raft is the local raft node as the transport sees it.
type Raft interface {
	// Process hands a received message to raft.
	Process(ctx context.Context, m *raftpb.Message) error
	// IsIDRemoved tells whether a member was removed from the cluster.
	IsIDRemoved(id uint64) bool
	ReportUnreachable(id uint64)
	ReportSnapshot(id uint64, status raft.SnapshotStatus)
}

// DBSaver stores a received backend database (raftwal/snap.Snapshotter).
type DBSaver interface {
	SaveDBFrom(r io.Reader, index uint64) (int64, error)
}

// Config configures a Transport.
type Config struct {
	ID, ClusterID uint64
	Raft          Raft
	// Snap stores databases received with snapshots.
	Snap DBSaver
	// DBSnapshot streams the local backend to w, for a snapshot sent to a
	// member that is far behind.
	DBSnapshot func(w io.Writer) error
	// OnRemoved is called (once) when a peer reports that this member was
	// removed from the cluster.
	OnRemoved func()
	// DialTimeout bounds connecting to a peer (default 1s).
	DialTimeout time.Duration
	Logger      *zap.Logger
	// Metrics counts the peer traffic (nil: not exported).
	Metrics *Metrics
}

// Errors of the transport.
var (
	ErrClusterIDMismatch = errors.New("rafthttp: cluster ID mismatch")
	ErrMemberRemoved     = errors.New("rafthttp: the member has been permanently removed from the cluster")
	ErrToIDMismatch      = errors.New("rafthttp: to-id mismatch")
	ErrStopped           = errors.New("rafthttp: transport stopped")
)

// Transport sends raft messages to peers and receives theirs.
type Transport struct {
	cfg    Config
	lg     *zap.Logger
	client *http.Client

	mu    sync.RWMutex
	peers map[uint64]*peer

	removedOnce sync.Once
	stopc       chan struct{}
	closeOnce   sync.Once
	wg          sync.WaitGroup
}

// New creates a transport without peers.
func New(cfg Config) *Transport {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = time.Second
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	d := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 5 * time.Second}
	ht := &http.Transport{
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     false,
		TLSNextProto:          map[string]func(string, *tls.Conn) http.RoundTripper{},
		MaxIdleConnsPerHost:   4,
		ResponseHeaderTimeout: 5 * time.Second,
		IdleConnTimeout:       30 * time.Second,
	}
	return &Transport{cfg: cfg, lg: cfg.Logger, client: &http.Client{Transport: ht},
		peers: map[uint64]*peer{}, stopc: make(chan struct{})}
}

// Send queues messages for their peers; messages to unknown peers, or to
// peers whose queue is full, are dropped (raft retransmits).
func (t *Transport) Send(msgs []*raftpb.Message) {
	for _, m := range msgs {
		to := m.GetTo()
		if to == 0 {
			continue
		}
		t.mu.RLock()
		p := t.peers[to]
		t.mu.RUnlock()
		if p == nil {
			t.lg.Debug("dropped message to unknown peer", zap.String("to", idStr(to)), zap.Stringer("type", m.GetType()))
			continue
		}
		p.send(m)
	}
}

// AddPeer starts streaming to member id at urls; an existing peer gets its
// URLs updated.
func (t *Transport) AddPeer(id uint64, urls []string) {
	if id == t.cfg.ID || id == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	select {
	case <-t.stopc:
		return
	default:
	}
	if p, ok := t.peers[id]; ok {
		p.setURLs(urls)
		return
	}
	p := newPeer(t, id, urls)
	t.peers[id] = p
	p.start(&t.wg)
	t.lg.Info("added remote peer", zap.String("local-member-id", idStr(t.cfg.ID)), zap.String("remote-peer-id", idStr(id)), zap.Strings("remote-peer-urls", urls))
}

// UpdatePeer changes the URLs of peer id.
func (t *Transport) UpdatePeer(id uint64, urls []string) { t.AddPeer(id, urls) }

// RemovePeer stops streaming to member id.
func (t *Transport) RemovePeer(id uint64) {
	t.mu.Lock()
	p := t.peers[id]
	delete(t.peers, id)
	t.mu.Unlock()
	if p != nil {
		p.stop()
		t.lg.Info("removed remote peer", zap.String("local-member-id", idStr(t.cfg.ID)), zap.String("removed-remote-peer-id", idStr(id)))
	}
}

// ActiveSince is when the streams to peer id last became connected; zero
// when it is not connected.
func (t *Transport) ActiveSince(id uint64) time.Time {
	t.mu.RLock()
	p := t.peers[id]
	t.mu.RUnlock()
	if p == nil {
		return time.Time{}
	}
	return p.activeSince()
}

// Close stops every peer and waits; it is idempotent.
func (t *Transport) Close() {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		close(t.stopc)
		peers := t.peers
		t.peers = map[uint64]*peer{}
		t.mu.Unlock()
		for _, p := range peers {
			p.stop()
		}
		t.wg.Wait()
		t.client.CloseIdleConnections()
	})
}

func (t *Transport) removed() {
	t.removedOnce.Do(func() {
		t.lg.Warn("this member has been permanently removed from the cluster", zap.String("local-member-id", idStr(t.cfg.ID)))
		if t.cfg.OnRemoved != nil {
			go t.cfg.OnRemoved()
		}
	})
}
