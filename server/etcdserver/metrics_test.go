package etcdserver

import (
	"context"
	"strings"
	"testing"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/server/v3/internal/promtest"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"
)

// newMetricsServer runs a single member exporting its metrics on reg.
func newMetricsServer(t *testing.T, reg prometheus.Registerer) *EtcdServer {
	t.Helper()
	peer := "http://127.0.0.1:2380"
	s, err := New(Config{
		Name: "m", DataDir: t.TempDir(), PeerURLs: []string{peer},
		InitialCluster: map[string][]string{"m": {peer}}, NewCluster: true,
		TickMs: 100, ElectionTicks: 10, SnapshotCount: 1 << 40,
		DisableLeaseCheckpoint: true, Registerer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(s.Close)
	select {
	case <-s.ReadyNotify():
	case err := <-s.Err():
		t.Fatal(err)
	}
	return s
}

type want struct {
	name   string
	labels map[string]string
	// min is the least value expected; exact, when set, the value.
	min   float64
	exact bool
}

func check(t *testing.T, g prometheus.Gatherer, wants []want) {
	t.Helper()
	for _, w := range wants {
		got := promtest.Value(t, g, w.name, w.labels)
		if (w.exact && got != w.min) || got < w.min {
			t.Errorf("%s%v = %v, want %v%v", w.name, w.labels, got, map[bool]string{false: ">= ", true: ""}[w.exact], w.min)
		}
	}
}

// TestServerMetrics: the server's metrics follow the requests it serves.
func TestServerMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := newMetricsServer(t, reg)
	ctx := context.Background()
	// Ready: this member's publish was proposed, committed and applied.
	check(t, reg, []want{
		{"etcd_server_has_leader", nil, 1, true},
		{"etcd_server_is_leader", nil, 1, true},
		{"etcd_server_is_learner", nil, 0, true},
		{"etcd_server_leader_changes_seen_total", nil, 1, true},
		{"etcd_server_id", map[string]string{"server_id": idStr(s.ID())}, 1, true},
		{"etcd_server_version", map[string]string{"server_version": "3.7.3"}, 1, true},
		{"etcd_cluster_version", map[string]string{"cluster_version": "3.7"}, 1, true},
		{"etcd_network_known_peers", map[string]string{"Local": idStr(s.ID()), "Remote": idStr(s.ID())}, 1, true},
		{"etcd_server_feature_enabled", map[string]string{"name": "LeaseCheckpoint", "stage": "ALPHA"}, 0, true},
		{"etcd_server_feature_enabled", map[string]string{"name": "TxnModeWriteWithSharedBuffer", "stage": "BETA"}, 1, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "ClusterMemberAttrSet", "success": "true"}, 1, true},
		{"etcd_server_apply_duration_seconds", map[string]string{"version": "v3", "op": "ClusterMemberAttrSet", "success": "true"}, 1, true},
		{"etcd_disk_wal_fsync_duration_seconds", nil, 1, false},
		{"etcd_disk_wal_write_duration_seconds", nil, 1, false},
		{"etcd_disk_wal_write_bytes_total", nil, 1, false},
		{"etcd_server_proposals_pending", nil, 0, true},
		{"os_fd_used", nil, 1, false},
		{"os_fd_limit", nil, 1, false},
	})

	for i := 0; i < 3; i++ {
		if _, err := s.Put(ctx, &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Range(ctx, &pb.RangeRequest{Key: []byte("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Range(ctx, &pb.RangeRequest{Key: []byte("k"), Revision: 100}); err == nil {
		t.Fatal("a range at a future revision succeeded")
	}
	if _, err := s.Txn(ctx, &pb.TxnRequest{Success: []*pb.RequestOp{{Request: &pb.RequestOp_RequestRange{RequestRange: &pb.RangeRequest{Key: []byte("k")}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Compact(ctx, &pb.CompactionRequest{Revision: 3}); err != nil {
		t.Fatal(err)
	}
	// An applied request that failed: compacting a compacted revision
	// counts as a success, as in etcd.
	if _, err := s.Compact(ctx, &pb.CompactionRequest{Revision: 2}); err == nil {
		t.Fatal("compacting a compacted revision succeeded")
	}
	lresp, err := s.LeaseGrant(ctx, &pb.LeaseGrantRequest{TTL: 60})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LeaseRevoke(ctx, &pb.LeaseRevokeRequest{ID: lresp.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Hash(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HashKV(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Defragment(); err != nil {
		t.Fatal(err)
	}
	check(t, reg, []want{
		{"etcd_server_request_duration_seconds", map[string]string{"type": "Put", "success": "true"}, 3, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "Range", "success": "true"}, 1, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "Range", "success": "false"}, 1, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "ReadonlyTxn", "success": "true"}, 1, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "Compaction", "success": "true"}, 2, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "LeaseGrant", "success": "true"}, 1, true},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "LeaseRevoke", "success": "true"}, 1, true},
		{"etcd_server_apply_duration_seconds", map[string]string{"op": "Put", "success": "true"}, 3, true},
		{"etcd_server_apply_duration_seconds", map[string]string{"op": "Compaction", "success": "true"}, 2, true},
		{"etcd_server_apply_duration_seconds", map[string]string{"op": "LeaseGrant", "success": "true"}, 1, true},
		{"etcd_server_range_duration_seconds", map[string]string{"success": "true"}, 1, true},
		{"etcd_server_range_duration_seconds", map[string]string{"success": "false"}, 1, true},
		{"etcd_mvcc_put_total", nil, 3, true},
		{"etcd_mvcc_range_total", nil, 3, true},
		{"etcd_debugging_mvcc_compact_revision", nil, 3, true},
		{"etcd_debugging_lease_granted_total", nil, 1, true},
		{"etcd_debugging_lease_revoked_total", nil, 1, true},
		{"etcd_debugging_lease_ttl_total", nil, 1, true},
		{"etcd_mvcc_hash_duration_seconds", nil, 1, true},
		{"etcd_mvcc_hash_rev_duration_seconds", nil, 1, true},
		{"etcd_disk_backend_defrag_duration_seconds", nil, 1, true},
		{"etcd_disk_backend_commit_duration_seconds", nil, 1, false},
		{"etcd_server_proposals_committed_total", nil, float64(s.CommittedIndex()), false},
		{"etcd_server_proposals_failed_total", nil, 0, true},
		{"etcd_server_proposals_pending", nil, 0, true},
		{"etcd_server_slow_apply_total", nil, 0, true},
	})

	// An alarm shows while raised.
	alarm := func(a pb.AlarmRequest_AlarmAction) {
		t.Helper()
		if _, err := s.Alarm(ctx, &pb.AlarmRequest{Action: a, MemberID: s.ID(), Alarm: pb.AlarmType_NOSPACE}); err != nil {
			t.Fatal(err)
		}
	}
	nospace := map[string]string{"server_id": idStr(s.ID()), "alarm_type": "NOSPACE"}
	alarm(pb.AlarmRequest_ACTIVATE)
	check(t, reg, []want{{"etcd_debugging_server_alarms", nospace, 1, true}})
	alarm(pb.AlarmRequest_DEACTIVATE)
	check(t, reg, []want{{"etcd_debugging_server_alarms", nospace, -1, true}})

	// A promotion refused by the leader is counted by its reason.
	_, err = s.PromoteMember(ctx, s.ID())
	if err == nil {
		t.Fatal("promoted a voting member")
	}
	check(t, reg, []want{{"etcd_server_learner_promote_failures", map[string]string{"Reason": err.Error()}, 1, true}})
}

// TestSnapshotMetrics: a snapshot taken by the server is observed.
func TestSnapshotMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	peer := "http://127.0.0.1:2380"
	s, err := New(Config{
		Name: "m", DataDir: t.TempDir(), PeerURLs: []string{peer},
		InitialCluster: map[string][]string{"m": {peer}}, NewCluster: true,
		TickMs: 100, ElectionTicks: 10, SnapshotCount: 5, UnsafeNoFsync: true,
		DisableLeaseCheckpoint: true, Registerer: reg, Logger: zap.NewNop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	t.Cleanup(s.Close)
	<-s.ReadyNotify()
	for i := 0; i < 10; i++ {
		if _, err := s.Put(context.Background(), &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}); err != nil {
			t.Fatal(err)
		}
	}
	// The snapshot is taken by the apply loop after the entry that
	// crossed the count; one more request is applied after it.
	if _, err := s.Put(context.Background(), &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	check(t, reg, []want{
		{"etcd_debugging_snap_save_total_duration_seconds", nil, 1, false},
		{"etcd_debugging_snap_save_marshalling_duration_seconds", nil, 1, false},
		{"etcd_snap_fsync_duration_seconds", nil, 1, false},
	})
}

// TestHeartbeatMonitor: a heartbeat later than twice the interval after
// the previous one to the same peer, in the same term, is a failure.
func TestHeartbeatMonitor(t *testing.T) {
	hb := func(to, term uint64) *raftpb.Message {
		return &raftpb.Message{Type: raftpb.MsgHeartbeat.Enum(), To: proto.Uint64(to), Term: proto.Uint64(term)}
	}
	app := &raftpb.Message{Type: raftpb.MsgApp.Enum(), To: proto.Uint64(2), Term: proto.Uint64(1)}
	type step struct {
		after time.Duration // since the previous step
		msgs  []*raftpb.Message
	}
	tests := []struct {
		name  string
		steps []step
		want  float64
	}{
		{"on time", []step{{0, []*raftpb.Message{hb(2, 1), hb(3, 1)}}, {100 * time.Millisecond, []*raftpb.Message{hb(2, 1), hb(3, 1)}}, {200 * time.Millisecond, []*raftpb.Message{hb(2, 1)}}}, 0},
		{"late to one peer", []step{{0, []*raftpb.Message{hb(2, 1), hb(3, 1)}}, {250 * time.Millisecond, []*raftpb.Message{hb(2, 1), hb(3, 1)}}}, 2},
		{"other messages do not count", []step{{0, []*raftpb.Message{hb(2, 1)}}, {100 * time.Millisecond, []*raftpb.Message{app}}, {200 * time.Millisecond, []*raftpb.Message{hb(2, 1)}}}, 1},
		{"a new term starts over", []step{{0, []*raftpb.Message{hb(2, 1)}}, {time.Minute, []*raftpb.Message{hb(2, 2)}}, {100 * time.Millisecond, []*raftpb.Message{hb(2, 2)}}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures := prometheus.NewCounter(prometheus.CounterOpts{Name: "f"})
			var sent int
			h := newHeartbeatMonitor(transportFunc(func(ms []*raftpb.Message) { sent += len(ms) }), zap.NewNop(), 100*time.Millisecond, failures)
			now := time.Unix(1000, 0)
			h.now = func() time.Time { return now }
			total := 0
			for _, st := range tt.steps {
				now = now.Add(st.after)
				h.Send(st.msgs)
				total += len(st.msgs)
			}
			var m dto.Metric
			_ = failures.Write(&m)
			if got := m.GetCounter().GetValue(); got != tt.want {
				t.Errorf("%v failures, want %v", got, tt.want)
			}
			if sent != total {
				t.Errorf("%d messages passed on, want %d", sent, total)
			}
		})
	}
}

type transportFunc func([]*raftpb.Message)

func (f transportFunc) Send(ms []*raftpb.Message) { f(ms) }

// TestReqTypeNames: every request type has etcd's name.
func TestReqTypeNames(t *testing.T) {
	for i, n := range reqTypeNames {
		if n == "" || strings.ContainsAny(n, " _") {
			t.Errorf("request type %d: name %q", i, n)
		}
	}
	if got := reqTypeNames[reqType(&pb.InternalRaftRequest{Put: &pb.PutRequest{}})]; got != "Put" {
		t.Errorf("put: %q", got)
	}
	if got := applyOpName(reqType(&pb.InternalRaftRequest{})); got != "unknown" {
		t.Errorf("unknown op: %q", got)
	}
}
