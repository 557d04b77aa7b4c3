package etcdserver

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/membershippb"
	"github.com/etcdgo/etcd/api/v3/version"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/raftwal/v3/snap"
	"github.com/etcdgo/etcd/server/v3/etcdserver/alarm"
	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
	"github.com/etcdgo/etcd/server/v3/lease"
)

// EtcdServer wires the raft loop, the apply loop, the snapshotter and the
// linearizer around one backend and serves the KV and maintenance calls.
type EtcdServer struct {
	cfg Config
	lg  *zap.Logger
	m   *serverMetrics

	id, cid uint64

	be      *backend.Backend
	kv      *mvcc.WatchableStore
	ci      *consistentIndex
	members *membership.Store
	alarms  *alarm.Store
	lessor  lease.Lessor
	leases  *lease.Store
	primary *lease.Primary
	revoker *leaseRevoker
	fwd     leaseForwarder

	raft    *raftNode
	cluster *clusterNet
	apply   *applyLoop
	reads   *linearizer
	wait    *waitRegistry
	applied *indexWait
	reqIDs  *idGenerator
	timers  timerPool
	reqs    requestPool

	g         group
	readyc    chan struct{}
	stopc     chan struct{}
	donec     chan struct{}
	errc      chan error
	closeOnce sync.Once
}

// New opens (or creates) the data dir and restores the server state. Call
// Start to run it.
func New(cfg Config) (srv *EtcdServer, err error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	lg := cfg.Logger
	if lg == nil {
		lg = zap.NewNop()
	}
	if cfg.SnapshotCatchUpEntries == 0 {
		cfg.SnapshotCatchUpEntries = DefaultSnapshotCatchUpEntries
	}
	if err := os.MkdirAll(cfg.snapDir(), 0o700); err != nil {
		return nil, fmt.Errorf("cannot access data directory: %w", err)
	}
	m := newServerMetrics(cfg.Registerer)
	snaps := snap.New(snap.Config{Logger: lg, Metrics: m.snap}, cfg.snapDir())
	rs, err := bootstrapRaft(&cfg, lg, snaps, m.wal)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			rs.wal.Close()
		}
	}()

	ci := &consistentIndex{}
	be, err := backend.Open(backend.Config{
		Path: cfg.backendPath(), Logger: lg, Hooks: ci, UnsafeNoFsync: cfg.UnsafeNoFsync, Metrics: backend.NewMetrics(cfg.Registerer),
		BatchInterval: cfg.BackendBatchInterval, BatchLimit: cfg.BackendBatchLimit,
	})
	if err != nil {
		return nil, fmt.Errorf("failed to open backend: %w", err)
	}
	tx := be.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Meta)
	idx, term := backend.UnsafeReadConsistentIndex(tx)
	tx.Unlock()
	ci.set(idx, term)
	if snapIdx := rs.snapshot.GetMetadata().GetIndex(); idx < snapIdx {
		// A snapshot from the leader was persisted but its database not
		// yet installed: install it now.
		idx, term, err = recoverSnapshotDB(lg, be, snaps, snapIdx)
		ci.set(idx, term)
	}
	if snapIdx := rs.snapshot.GetMetadata().GetIndex(); idx < snapIdx {
		be.Close()
		return nil, fmt.Errorf("database file (index %d) does not match with snapshot (index %d)", idx, snapIdx)
	}
	// etcd records the schema version of the data in the meta bucket
	// (tools such as etcdutl snapshot status read it there).
	tx.Lock()
	tx.UnsafePut(backend.Meta, backend.MetaStorageVersionKey, []byte(version.StorageVersion))
	tx.Unlock()
	// Leases load before the KV store, which attaches its keys to them.
	lb := &indexedBackend{be: be}
	lm := lease.NewMetrics(cfg.Registerer)
	leases := lease.NewStore(lease.StoreConfig{Backend: lb, MinTTL: minLeaseTTL(cfg.ElectionTicks, time.Duration(cfg.TickMs)*time.Millisecond), Logger: lg, Metrics: lm})
	kv, err := mvcc.NewWatchableStore(be, leases, mvcc.StoreConfig{Logger: lg, Registerer: cfg.Registerer})
	if err != nil {
		be.Close()
		return nil, fmt.Errorf("failed to open mvcc store: %w", err)
	}
	alarms, err := alarm.New(be)
	if err != nil {
		kv.Close()
		be.Close()
		return nil, fmt.Errorf("failed to restore alarm store: %w", err)
	}

	s := &EtcdServer{
		cfg: cfg, lg: lg, m: m, id: rs.id, cid: rs.cid, be: be, kv: kv, ci: ci,
		members: membership.NewStore(be), alarms: alarms, lessor: leases, leases: leases,
		wait: newWaitRegistry(), reqIDs: newIDGenerator(rs.id, time.Now()),
		readyc: make(chan struct{}), stopc: make(chan struct{}), donec: make(chan struct{}), errc: make(chan error, 1),
	}
	s.applied = newIndexWait(rs.snapshot.GetMetadata().GetIndex())

	rc := &raft.Config{
		ID:              rs.id,
		ElectionTick:    cfg.ElectionTicks,
		HeartbeatTick:   1,
		Storage:         rs.storage,
		MaxSizePerMsg:   1 << 20,
		MaxInflightMsgs: 4096 / 8,
		CheckQuorum:     true,
		PreVote:         true,
		Logger:          raftLogger{lg.Sugar()},
	}
	rn, err := raft.NewRawNode(rc)
	if err != nil {
		kv.Close()
		be.Close()
		return nil, err
	}
	if rs.peers != nil {
		if err := rn.Bootstrap(rs.peers); err != nil {
			kv.Close()
			be.Close()
			return nil, err
		}
	}
	cs := rs.snapshot.GetMetadata().GetConfState()
	if rs.peers != nil {
		cs = &raftpb.ConfState{}
		for _, p := range rs.peers {
			cs.Voters = append(cs.Voters, p.ID)
		}
	}
	s.raft = newRaftNode(lg, rs.id, rn, rs.storage, rs.wal, cfg.Transport, time.Duration(cfg.TickMs)*time.Millisecond, cs)
	s.raft.fatal = s.fatal
	s.raft.leaderChanges = m.leaderChanges
	s.raft.waiting = s.wait.Waiting
	s.raft.refused = s.proposalRefused

	s.apply = &applyLoop{lg: lg, m: m, be: be, ci: ci, members: s.members, wait: s.wait, applied: s.applied}
	s.apply.applier = apply.New(apply.Config{KV: indexedKV{KV: kv, loop: s.apply}, Lessor: s.lessor, Leases: leases, Alarms: alarms, Logger: lg,
		Middlewares: []apply.Middleware{apply.NoSpace(func() bool { return alarms.Active(pb.AlarmType_NOSPACE) })}})
	s.wireLeases(lb, lm)
	s.apply.snaps = &snapshotter{
		lg: lg, count: cfg.SnapshotCount, catchUp: cfg.SnapshotCatchUpEntries, be: be, storage: rs.storage,
		wal: rs.wal, files: snaps, confState: s.raft.ConfState, snapIndex: rs.snapshot.GetMetadata().GetIndex(),
		maxSnaps: int(cfg.MaxSnapshots), maxWALs: int(cfg.MaxWALs), walDir: cfg.walDir(),
	}
	s.initCluster(rs, snaps)
	s.reads = newLinearizer(s.raft.readc, s.raft.readStatec, s.applied, cfg.ReqTimeout(), s.stopc)
	s.reads.slow, s.reads.failed = m.slowReadIndex, m.readIndexFailed
	s.registerGauges(cfg.Registerer)
	for _, m := range rs.members {
		lg.Info("added member", zap.String("cluster-id", idStr(rs.cid)), zap.String("local-member-id", idStr(rs.id)),
			zap.String("added-peer-id", idStr(m.ID)), zap.Strings("added-peer-peer-urls", m.PeerURLs))
	}
	return s, nil
}

// Start runs the server's goroutines.
func (s *EtcdServer) Start() {
	s.lg.Info("starting etcd server", zap.String("local-member-id", idStr(s.id)), zap.String("cluster-id", idStr(s.cid)))
	s.g.Go(s.raft.run)
	s.g.Go(func() { s.apply.run(s.raft.applyc, s.stopc) })
	s.g.Go(s.reads.run)
	s.g.Go(s.publish)
	s.g.Go(s.primary.Run)
	s.g.Go(s.revoker.run)
	s.g.Go(s.watchLeadership)
}

// publish records this member's name and client URLs through raft, as
// etcd does; the server is ready once that has been applied.
func (s *EtcdServer) publish() {
	for {
		// A new request each attempt: proposing sets its header, and the
		// apply loop may still be reading an earlier attempt's.
		req := &pb.InternalRaftRequest{ClusterMemberAttrSet: &membershippb.ClusterMemberAttrSetRequest{
			Member_ID:        s.id,
			MemberAttributes: &membershippb.Attributes{Name: s.cfg.Name, ClientUrls: s.cfg.ClientURLs},
		}}
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ReqTimeout())
		_, err := s.propose(ctx, req)
		cancel()
		if err == nil {
			s.lg.Info("published local member to cluster through raft", zap.String("local-member-id", idStr(s.id)),
				zap.String("cluster-id", idStr(s.cid)), zap.Strings("local-member-client-urls", s.cfg.ClientURLs))
			close(s.readyc)
			return
		}
		select {
		case <-s.stopc:
			return
		default:
		}
		s.lg.Warn("failed to publish local member to cluster through raft", zap.Error(err))
	}
}

func (s *EtcdServer) fatal(err error) {
	s.lg.Error("fatal storage error; stopping server", zap.Error(err))
	select {
	case s.errc <- err:
	default:
	}
	go s.Close()
}

// ReadyNotify is closed once the server can serve clients.
func (s *EtcdServer) ReadyNotify() <-chan struct{} { return s.readyc }

// StopNotify is closed once the server has stopped.
func (s *EtcdServer) StopNotify() <-chan struct{} { return s.donec }

// Err carries a fatal error that stopped the server.
func (s *EtcdServer) Err() <-chan error { return s.errc }

// Close stops the server and waits for its goroutines; it is idempotent.
func (s *EtcdServer) Close() {
	s.closeOnce.Do(func() {
		close(s.stopc)
		s.wait.Stop()
		s.reads.stop()
		s.cluster.tr.Close()
		s.primary.Stop()
		s.raft.stop()
		s.g.Wait()
		s.closeForwarder()
		s.kv.Close()
		s.be.Close()
		s.raft.wal.Close()
		close(s.donec)
	})
	<-s.donec
}

// ID is this member's ID.
func (s *EtcdServer) ID() uint64 { return s.id }

// ClusterID is the cluster's ID.
func (s *EtcdServer) ClusterID() uint64 { return s.cid }

// Term is the current raft term.
func (s *EtcdServer) Term() uint64 { return s.raft.Term() }

// Rev is the current store revision.
func (s *EtcdServer) Rev() int64 { return s.kv.Rev() }

// Leader is the current leader's ID (0: none).
func (s *EtcdServer) Leader() uint64 { return s.raft.Lead() }

// CommittedIndex is the raft commit index.
func (s *EtcdServer) CommittedIndex() uint64 { return s.raft.Committed() }

// AppliedIndex is the index of the last applied entry.
func (s *EtcdServer) AppliedIndex() uint64 { return s.apply.appliedIndex.Load() }

// Backend is the server's backend.
func (s *EtcdServer) Backend() *backend.Backend { return s.be }

// KV is the server's store.
func (s *EtcdServer) KV() *mvcc.Store { return s.kv.Store }

// Members lists the cluster members.
func (s *EtcdServer) Members() []membership.Member { return s.members.Members() }

// Config returns the server's configuration.
func (s *EtcdServer) Config() Config { return s.cfg }

// propose sends r through raft and waits for its apply result. A request
// that went through raft counts as a success for the request duration
// metric even when applying it failed, as in etcd.
func (s *EtcdServer) propose(ctx context.Context, r *pb.InternalRaftRequest) (*apply.Result, error) {
	start := time.Now()
	res, err := s.proposeOnce(ctx, r)
	s.m.observeRequest(reqType(r), err == nil || (res != nil && err == res.Err), time.Since(start))
	return res, err
}

func (s *EtcdServer) proposeOnce(ctx context.Context, r *pb.InternalRaftRequest) (*apply.Result, error) {
	id := s.reqIDs.Next()
	if r.Header == nil {
		r.Header = new(pb.RequestHeader)
	}
	r.Header.ID = id
	data, err := r.MarshalVT()
	if err != nil {
		return nil, err
	}
	if max := s.cfg.MaxRequestBytes; max > 0 && uint64(len(data)) > uint64(max) && max < math.MaxInt32 {
		return nil, errs.ErrRequestTooLarge
	}
	// The apply loop takes r itself rather than decoding data again.
	ch := s.wait.Register(id, r)
	// A pooled timer rather than a context with a deadline: that context,
	// its timer, its done channel and its registration with the parent
	// were five allocations of each put.
	timeout := s.timers.get(s.cfg.ReqTimeout())
	defer s.timers.put(timeout)
	select {
	case s.raft.propc <- proposal{data: data, id: id}:
	case <-timeout.C:
		return s.abandon(id, errs.ErrTimeout)
	case <-ctx.Done():
		return s.abandon(id, ctxErr(ctx))
	case <-s.stopc:
		return nil, errs.ErrStopped
	}
	s.m.proposalsPending.Inc()
	defer s.m.proposalsPending.Dec()
	// Not stopc: stopping triggers every waiter with nil instead, because
	// the results of a batch wake its proposers together and each would
	// take the lock of every channel it selected on.
	select {
	case x := <-ch:
		res, _ := x.(*apply.Result)
		if res == nil {
			return nil, errs.ErrStopped
		}
		s.wait.Recycle(ch)
		return res, res.Err
	case <-timeout.C:
		return s.abandon(id, errs.ErrTimeout)
	case <-ctx.Done():
		return s.abandon(id, ctxErr(ctx))
	}
}

// abandon gives up waiting for request id, which failed with err.
func (s *EtcdServer) abandon(id uint64, err error) (*apply.Result, error) {
	s.m.proposalsFailed.Inc()
	s.wait.Trigger(id, nil)
	return nil, err
}

// ctxErr is the error of a request whose own context ended: the client's
// cancellation as it is, a deadline as etcd's timeout.
func ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return ctx.Err()
	}
	return errs.ErrTimeout
}

// proposalRefused answers the client of a proposal raft refused.
func (s *EtcdServer) proposalRefused(id uint64, err error) {
	s.m.proposalsFailed.Inc()
	if errors.Is(err, raft.ErrProposalDropped) {
		err = errs.ErrNoLeader
	}
	s.wait.Trigger(id, &apply.Result{Err: err})
}
