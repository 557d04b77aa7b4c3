package etcdserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/snap"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
	"github.com/etcdgo/etcd/server/v3/rafthttp"
)

// clusterNet is the server's link to its peers: the raft transport and the
// peer HTTP endpoints (member list for joining members, promote forwarded
// by followers).
type clusterNet struct {
	lg     *zap.Logger
	tr     *rafthttp.Transport
	cid    uint64
	client *http.Client
}

// raftPeer adapts the server to what the transport calls.
type raftPeer struct{ s *EtcdServer }

func (p raftPeer) Process(ctx context.Context, m *raftpb.Message) error {
	return p.s.raft.Process(ctx, m)
}
func (p raftPeer) IsIDRemoved(id uint64) bool                       { return p.s.members.IsRemoved(id) }
func (p raftPeer) ReportUnreachable(id uint64)                      { p.s.raft.ReportUnreachable(id) }
func (p raftPeer) ReportSnapshot(id uint64, st raft.SnapshotStatus) { p.s.raft.ReportSnapshot(id, st) }

// initCluster wires the transport, conf changes and snapshot installs; New
// calls it once the raft node and the apply loop exist.
func (s *EtcdServer) initCluster(rs *raftState, snaps *snap.Snapshotter) {
	tr := rafthttp.New(rafthttp.Config{
		ID: s.id, ClusterID: s.cid, Raft: raftPeer{s}, Snap: snaps, Logger: s.lg,
		DBSnapshot: func(w io.Writer) error { _, err := s.be.Snapshot(w); return err },
		OnRemoved:  s.stopRemoved, Metrics: rafthttp.NewMetrics(s.cfg.Registerer),
	})
	s.cluster = &clusterNet{lg: s.lg, tr: tr, cid: s.cid, client: &http.Client{Timeout: 5 * time.Second}}
	s.raft.transport = newHeartbeatMonitor(snapMerger{tr: tr, s: s}, s.lg, time.Duration(s.cfg.TickMs)*time.Millisecond, s.m.heartbeatFailures)
	s.raft.snaps = snaps
	s.raft.aloneOK = func() bool {
		for _, m := range s.members.VotingMembers() {
			if m.ID != s.id {
				return false
			}
		}
		return true
	}
	maxLearners := s.cfg.MaxLearners
	if maxLearners <= 0 {
		maxLearners = membership.DefaultMaxLearners
	}
	s.apply.conf = &confApplier{lg: s.lg, id: s.id, members: s.members, raft: s.raft, peers: tr, wait: s.wait,
		maxLearners: maxLearners, onRemoved: s.stopRemoved}
	s.apply.restorer = &snapshotRestorer{lg: s.lg, be: s.be, dbPath: snaps.DBFilePath}
	// Leases reload first: the KV store attaches its keys to them as it
	// rebuilds its index.
	s.addRestoreHook(func() error {
		s.leases.Recover(&indexedBackend{be: s.be, loop: s.apply})
		return nil
	})
	s.addRestoreHook(func() error { return s.kv.Restore(s.be) })
	s.addRestoreHook(s.alarms.Reload)
	s.addRestoreHook(func() error {
		s.members.Reload()
		s.apply.conf.syncPeers()
		return nil
	})
	// Peers known before any conf change is applied: the bootstrap list
	// (new cluster) or the cluster fetched from the peers (joining).
	for _, m := range rs.members {
		if m.ID != s.id {
			tr.AddPeer(m.ID, m.PeerURLs)
		}
	}
	s.apply.conf.syncPeers()
}

// addRestoreHook adds a function run after a snapshot from the leader
// replaced the backend file (after the KV index and the members reload).
func (s *EtcdServer) addRestoreHook(fn func() error) {
	s.apply.restorer.reload = append(s.apply.restorer.reload, fn)
}

// stopRemoved stops the server once it learns it was removed.
func (s *EtcdServer) stopRemoved() {
	s.lg.Warn("the local member has been permanently removed from the cluster; stopping", zap.String("local-member-id", idStr(s.id)))
	go s.Close()
}

// PeerHandler serves the peer URLs: raft traffic and the member endpoints.
func (s *EtcdServer) PeerHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/raft/", s.cluster.tr.Handler())
	mux.HandleFunc("GET /members", s.serveMembers)
	mux.HandleFunc("POST /members/promote/{id}", s.servePromote)
	return mux
}

const hdrClusterID = "X-Etcd-Cluster-ID"

func (s *EtcdServer) serveMembers(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(hdrClusterID, idStr(s.cid))
	_ = json.NewEncoder(w).Encode(s.members.Members())
}

// promoteErrors are the errors a forwarded promote carries back by text.
var promoteErrors = []error{errs.ErrLearnerNotReady, membership.ErrIDNotFound, membership.ErrMemberNotLearner,
	errs.ErrNotLeader, errs.ErrNotEnoughStartedMembers, errs.ErrTimeout, errs.ErrNoLeader, errs.ErrStopped}

func (s *EtcdServer) servePromote(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(hdrClusterID, idStr(s.cid))
	if r.Header.Get(hdrClusterID) != idStr(s.cid) {
		http.Error(w, "cluster ID mismatch", http.StatusPreconditionFailed)
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 16, 64)
	if err != nil {
		http.Error(w, "bad member ID", http.StatusBadRequest)
		return
	}
	ms, err := s.promoteMember(r.Context(), id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusPreconditionFailed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ms)
}

func (c *clusterNet) promoteRemote(ctx context.Context, peerURL string, id uint64) ([]membership.Member, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, peerURL+"/members/promote/"+idStr(id), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set(hdrClusterID, idStr(c.cid))
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		msg := strings.TrimSpace(string(b))
		for _, e := range promoteErrors {
			if msg == e.Error() {
				return nil, e
			}
		}
		return nil, fmt.Errorf("promote on leader: %s", msg)
	}
	var ms []membership.Member
	if err := json.Unmarshal(b, &ms); err != nil {
		return nil, err
	}
	return ms, nil
}

// errNoRemoteCluster is etcd's error when no peer answers a joining member.
var errNoRemoteCluster = errors.New("could not retrieve cluster information from the given URLs")

// fetchCluster asks the peers of the initial cluster for the member list
// and the cluster ID (joining with --initial-cluster-state=existing).
func fetchCluster(lg *zap.Logger, urls []string, timeout time.Duration) ([]*membership.Member, uint64, error) {
	client := &http.Client{Timeout: timeout}
	for _, u := range urls {
		resp, err := client.Get(strings.TrimRight(u, "/") + "/members")
		if err != nil {
			lg.Warn("failed to get cluster response", zap.String("address", u), zap.Error(err))
			continue
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			lg.Warn("failed to read cluster response", zap.String("address", u), zap.Int("status", resp.StatusCode), zap.Error(err))
			continue
		}
		var ms []*membership.Member
		if err := json.Unmarshal(b, &ms); err != nil {
			lg.Warn("failed to unmarshal cluster response", zap.String("address", u), zap.Error(err))
			continue
		}
		cid, err := strconv.ParseUint(resp.Header.Get(hdrClusterID), 16, 64)
		if err != nil {
			lg.Warn("failed to parse cluster ID", zap.String("address", u), zap.String("header", resp.Header.Get(hdrClusterID)))
			continue
		}
		return ms, cid, nil
	}
	return nil, 0, errNoRemoteCluster
}

// snapMerger sends raft's messages, replacing the snapshot of a MsgSnap
// (the last one taken, whose ConfState may lack members added since) by
// one at the applied index with the current ConfState, as etcd does; the
// database sent with it is at least that recent.
type snapMerger struct {
	tr *rafthttp.Transport
	s  *EtcdServer
}

func (m snapMerger) Send(msgs []*raftpb.Message) {
	for _, msg := range msgs {
		if msg.GetType() != raftpb.MsgSnap {
			continue
		}
		idx, term := m.s.apply.appliedIndex.Load(), m.s.apply.appliedTerm.Load()
		if idx < msg.GetSnapshot().GetMetadata().GetIndex() {
			continue
		}
		msg.Snapshot = &raftpb.Snapshot{Metadata: &raftpb.SnapshotMetadata{
			Index: proto.Uint64(idx), Term: proto.Uint64(term), ConfState: m.s.raft.ConfState(),
		}}
	}
	m.tr.Send(msgs)
}
