package etcdserver

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/lease"
)

// minLeaseTTL is etcd's minimum TTL: one and a half election timeouts
// (integer ticks), rounded up to whole seconds.
func minLeaseTTL(electionTicks int, tick time.Duration) int64 {
	d := time.Duration((3*electionTicks)/2) * tick
	return int64(math.Ceil(d.Seconds()))
}

// indexedBackend gives the lease store a batch transaction whose Lock also
// sets the consistent index to the entry being applied (as indexedKV does
// for KV writes), so a lease change and its entry's index always reach the
// same backend commit.
type indexedBackend struct {
	be   *backend.Backend
	loop *applyLoop // set once the apply loop exists
}

func (b *indexedBackend) BatchTx() backend.BatchTx {
	return indexedBatchTx{BatchTx: b.be.BatchTx(), loop: b.loop}
}

type indexedBatchTx struct {
	backend.BatchTx
	loop *applyLoop
}

func (t indexedBatchTx) Lock() {
	t.BatchTx.Lock()
	if t.loop != nil && t.loop.applyingIndex > 0 {
		t.loop.ci.set(t.loop.applyingIndex, t.loop.applyingTerm)
	}
}

// leaseRevoker revokes, through raft, the leases the primary reports as
// expired; only while this member leads, a bounded number at a time.
type leaseRevoker struct {
	lg       *zap.Logger
	expiredc <-chan []int64
	isLeader func() bool
	revoke   func(ctx context.Context, id int64) error
	stopc    <-chan struct{}
	g        group
	// expired counts the expired leases revoked.
	expired prometheus.Counter
}

const maxPendingRevokes = 16

func (r *leaseRevoker) run() {
	sem := make(chan struct{}, maxPendingRevokes)
	ctx, cancel := context.WithCancel(context.Background())
	r.g.Go(func() {
		<-r.stopc
		cancel()
	})
	defer r.g.Wait()
	for {
		select {
		case ids := <-r.expiredc:
			if !r.isLeader() {
				r.lg.Warn("ignoring expired leases: this member is not the leader", zap.Int("count", len(ids)))
				continue
			}
			for _, id := range ids {
				select {
				case sem <- struct{}{}:
				case <-r.stopc:
					return
				}
				r.g.Go(func() {
					defer func() { <-sem }()
					err := r.revoke(ctx, id)
					if err == nil {
						r.expired.Inc()
					} else if !errors.Is(err, lease.ErrLeaseNotFound) {
						r.lg.Warn("failed to revoke lease", zap.String("lease-id", leaseIDStr(id)), zap.Error(err))
					}
				})
			}
		case <-r.stopc:
			return
		}
	}
}

func leaseIDStr(id int64) string { return idStr(uint64(id)) }

// leaseIDGen hands out positive lease IDs from the request ID generator.
func (s *EtcdServer) nextLeaseID() int64 {
	for {
		if id := int64(s.reqIDs.Next() & (1<<63 - 1)); id != 0 {
			return id
		}
	}
}

// LeaseGrant grants a lease through raft; without an ID the server picks
// one.
func (s *EtcdServer) LeaseGrant(ctx context.Context, r *pb.LeaseGrantRequest) (*pb.LeaseGrantResponse, error) {
	if r.ID == lease.NoLease {
		r.ID = s.nextLeaseID()
	}
	res, err := s.propose(ctx, &pb.InternalRaftRequest{LeaseGrant: r})
	if err != nil {
		return nil, err
	}
	return res.Resp.(*pb.LeaseGrantResponse), nil
}

// LeaseRevoke revokes a lease, deleting its keys, through raft.
func (s *EtcdServer) LeaseRevoke(ctx context.Context, r *pb.LeaseRevokeRequest) (*pb.LeaseRevokeResponse, error) {
	res, err := s.propose(ctx, &pb.InternalRaftRequest{LeaseRevoke: r})
	if err != nil {
		return nil, err
	}
	return res.Resp.(*pb.LeaseRevokeResponse), nil
}

func (s *EtcdServer) checkpointLeases(ctx context.Context, r *pb.LeaseCheckpointRequest) error {
	_, err := s.propose(ctx, &pb.InternalRaftRequest{LeaseCheckpoint: r})
	return err
}

func (s *EtcdServer) isLeader() bool { return s.raft.Lead() == s.id }

// leaseCall runs local on the leader once everything committed is applied,
// retrying while this member leads but its lessor is not yet promoted (the
// new term's first entry is not applied yet), and forwards to the leader
// with remote otherwise.
func (s *EtcdServer) leaseCall(ctx context.Context, local func() error, remote func(ctx context.Context) error) error {
	// The usual case, a leader with nothing left to apply, needs no
	// deadline (a context, a timer and a cancel registration per call).
	if s.isLeader() && s.AppliedIndex() >= s.raft.Committed() {
		if err := local(); !errors.Is(err, lease.ErrNotPrimary) {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ReqTimeout())
	defer cancel()
	for {
		var err error
		switch {
		case s.isLeader():
			// Everything committed before must be applied first, so that a
			// lease granted a moment ago is known.
			if err = s.waitApplied(ctx); err == nil {
				err = local()
			}
		case s.raft.Lead() != 0 && remote != nil:
			err = remote(ctx)
		default:
			err = lease.ErrNotPrimary
		}
		if !errors.Is(err, lease.ErrNotPrimary) {
			return err
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				if s.raft.Lead() == 0 {
					return errs.ErrNoLeader
				}
				return errs.ErrTimeout
			}
			return ctx.Err()
		case <-s.stopc:
			return errs.ErrStopped
		}
	}
}

// waitApplied waits until the entries committed so far are applied.
func (s *EtcdServer) waitApplied(ctx context.Context) error {
	select {
	case <-s.applied.Wait(s.raft.Committed()):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stopc:
		return errs.ErrStopped
	}
}

// LeaseRenew renews a lease on the leader and returns its TTL.
func (s *EtcdServer) LeaseRenew(ctx context.Context, id int64) (int64, error) {
	var ttl int64
	err := s.leaseCall(ctx, func() error {
		var err error
		ttl, err = s.primary.Renew(ctx, id)
		return err
	}, s.forwardRenew(id, &ttl))
	return ttl, err
}

// LeaseTimeToLive reports a lease's granted and remaining TTL (as the
// leader counts it) and, on request, its keys.
func (s *EtcdServer) LeaseTimeToLive(ctx context.Context, r *pb.LeaseTimeToLiveRequest) (*pb.LeaseTimeToLiveResponse, error) {
	var resp *pb.LeaseTimeToLiveResponse
	err := s.leaseCall(ctx, func() error {
		l := s.leases.Lookup(r.ID)
		if l == nil {
			return lease.ErrLeaseNotFound
		}
		rem, err := s.primary.Remaining(r.ID)
		if err != nil {
			return err
		}
		resp = &pb.LeaseTimeToLiveResponse{Header: &pb.ResponseHeader{}, ID: r.ID, TTL: int64(rem.Seconds()), GrantedTTL: l.TTL}
		if rem == math.MaxInt64 {
			resp.TTL = l.EffectiveTTL()
		}
		if r.Keys {
			resp.Keys = make([][]byte, len(l.Keys))
			for i, k := range l.Keys {
				resp.Keys[i] = []byte(k)
			}
		}
		return nil
	}, s.forwardTimeToLive(r, &resp))
	return resp, err
}

// LeaseLeases lists the leases this member knows.
func (s *EtcdServer) LeaseLeases(ctx context.Context, _ *pb.LeaseLeasesRequest) (*pb.LeaseLeasesResponse, error) {
	ls := s.leases.Leases()
	out := make([]*pb.LeaseStatus, len(ls))
	for i, l := range ls {
		out[i] = &pb.LeaseStatus{ID: l.ID}
	}
	return &pb.LeaseLeasesResponse{Header: &pb.ResponseHeader{Revision: s.kv.Rev()}, Leases: out}, nil
}

// leaseForwarder sends lease calls that only the leader answers to the
// leader's client URLs (our members talk gRPC to each other; etcd uses
// its peer HTTP handlers for the same purpose).
type leaseForwarder struct {
	mu    sync.Mutex
	conns map[string]leaseConn
}

// leaseConn is one leader connection.
type leaseConn interface {
	Renew(ctx context.Context, id int64) (int64, error)
	TimeToLive(ctx context.Context, r *pb.LeaseTimeToLiveRequest) (*pb.LeaseTimeToLiveResponse, error)
	Close() error
}

func (s *EtcdServer) leaderConn() (leaseConn, error) {
	var urls []string
	for _, m := range s.members.Members() {
		if m.ID == s.raft.Lead() {
			urls = m.ClientURLs
		}
	}
	if len(urls) == 0 {
		return nil, lease.ErrNotPrimary
	}
	key := urls[0]
	s.fwd.mu.Lock()
	defer s.fwd.mu.Unlock()
	if c, ok := s.fwd.conns[key]; ok {
		return c, nil
	}
	c, err := dialLeaseConn(urls)
	if err != nil {
		return nil, lease.ErrNotPrimary
	}
	if s.fwd.conns == nil {
		s.fwd.conns = map[string]leaseConn{}
	}
	s.fwd.conns[key] = c
	return c, nil
}

func (s *EtcdServer) closeForwarder() {
	s.fwd.mu.Lock()
	defer s.fwd.mu.Unlock()
	for k, c := range s.fwd.conns {
		_ = c.Close()
		delete(s.fwd.conns, k)
	}
}

func (s *EtcdServer) forwardRenew(id int64, ttl *int64) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		c, err := s.leaderConn()
		if err != nil {
			return err
		}
		*ttl, err = c.Renew(ctx, id)
		return err
	}
}

func (s *EtcdServer) forwardTimeToLive(r *pb.LeaseTimeToLiveRequest, resp **pb.LeaseTimeToLiveResponse) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		c, err := s.leaderConn()
		if err != nil {
			return err
		}
		*resp, err = c.TimeToLive(ctx, r)
		return err
	}
}

// wireLeases connects the lease store to the KV store (revocations delete
// keys in one write transaction, which also sets the consistent index) and
// builds the leader-side clock and the revoker.
func (s *EtcdServer) wireLeases(lb *indexedBackend, lm *lease.Metrics) {
	lb.loop = s.apply
	kv := indexedKV{KV: s.kv, loop: s.apply}
	s.leases.SetRangeDeleter(func() lease.TxnDelete { return kv.Write(context.Background()) })
	pcfg := lease.PrimaryConfig{Store: s.leases, CheckpointInterval: s.cfg.LeaseCheckpointInterval, Logger: s.lg, Metrics: lm}
	if !s.cfg.DisableLeaseCheckpoint {
		pcfg.Checkpointer = s.checkpointLeases
	}
	s.primary = lease.NewPrimary(pcfg)
	s.revoker = &leaseRevoker{
		lg: s.lg, expiredc: s.primary.ExpiredC(), isLeader: s.isLeader, stopc: s.stopc, expired: s.m.leaseExpired,
		revoke: func(ctx context.Context, id int64) error {
			_, err := s.LeaseRevoke(ctx, &pb.LeaseRevokeRequest{ID: id})
			return err
		},
	}
	s.apply.onTermStart = func(term uint64) {
		// Promote once this leader has applied everything of earlier
		// terms (its own empty entry), as etcd does.
		if s.isLeader() && s.raft.Term() == term {
			s.primary.Promote(s.electionTimeout())
		}
	}
}

// watchLeadership demotes the lessor soon after this member stops leading.
// Until then nothing it says is used: renewals, TTL reads and revocations
// all check leadership first.
func (s *EtcdServer) watchLeadership() {
	t := time.NewTicker(time.Duration(s.cfg.TickMs) * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if !s.isLeader() && s.primary.IsPrimary() {
				s.primary.Demote()
			}
		case <-s.stopc:
			return
		}
	}
}

func (s *EtcdServer) electionTimeout() time.Duration {
	return time.Duration(s.cfg.ElectionTicks) * time.Duration(s.cfg.TickMs) * time.Millisecond
}

// Watchable is the store watches are served from.
func (s *EtcdServer) Watchable() *mvcc.WatchableStore { return s.kv }

// Leases is the lease store.
func (s *EtcdServer) Leases() *lease.Store { return s.leases }
