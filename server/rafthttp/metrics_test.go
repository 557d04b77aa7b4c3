package rafthttp

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

func newMetricsNode(t *testing.T, id uint64, db []byte) (*node, *prometheus.Registry) {
	reg := prometheus.NewRegistry()
	n := &node{raft: newFakeRaft(), snap: &memSaver{dbs: map[uint64][]byte{}}}
	n.tr = New(Config{ID: id, ClusterID: 7, Raft: n.raft, Snap: n.snap, Metrics: NewMetrics(reg),
		DBSnapshot: func(w io.Writer) error { _, err := w.Write(db); return err }})
	n.srv = httptest.NewServer(n.tr.Handler())
	t.Cleanup(func() {
		n.tr.Close()
		n.srv.CloseClientConnections()
		n.srv.Close()
	})
	return n, reg
}

// eventually waits until cond holds: the metrics are updated by the
// transport's goroutines after the messages they count left.
func eventually(cond func() bool) {
	for !cond() {
		time.Sleep(5 * time.Millisecond)
	}
}

func histCount(o prometheus.Observer) uint64 {
	var m dto.Metric
	_ = o.(prometheus.Metric).Write(&m)
	return m.GetHistogram().GetSampleCount()
}

// TestMetrics: bytes, active peers, snapshots and round trips are
// counted per peer, labelled with etcd's labels.
func TestMetrics(t *testing.T) {
	db := bytes.Repeat([]byte("bolt"), 1000)
	a, ra := newMetricsNode(t, 1, db)
	b, rb := newMetricsNode(t, 2, nil)
	a.tr.AddPeer(2, []string{b.srv.URL})
	a.tr.Send([]*raftpb.Message{msg(raftpb.MsgHeartbeat, 1, 2), msg(raftpb.MsgApp, 1, 2)})
	recv(t, b)
	recv(t, b)
	ma, mb := a.tr.cfg.Metrics, b.tr.cfg.Metrics
	eventually(func() bool { return testutil.ToFloat64(ma.activePeers.WithLabelValues("1", "2")) == 1 })
	// Every byte a sent, b received (b counts a frame before raft sees it).
	eventually(func() bool {
		return testutil.ToFloat64(ma.sentBytes.WithLabelValues("2")) == testutil.ToFloat64(mb.receivedBytes.WithLabelValues("1"))
	})
	if got := testutil.ToFloat64(ma.sentBytes.WithLabelValues("2")); got < 2*4 {
		t.Errorf("a sent %v bytes for two frames", got)
	}

	m := msg(raftpb.MsgSnap, 1, 2)
	m.Snapshot = &raftpb.Snapshot{Metadata: &raftpb.SnapshotMetadata{Index: proto.Uint64(42), Term: proto.Uint64(1)}}
	a.tr.Send([]*raftpb.Message{m})
	recv(t, b)
	eventually(func() bool { return testutil.ToFloat64(ma.snapSent.WithLabelValues("2")) == 1 })
	eventually(func() bool { return testutil.ToFloat64(mb.snapReceived.WithLabelValues("1")) == 1 })
	for name, v := range map[string]float64{
		"send inflight":    testutil.ToFloat64(ma.snapSendInflight.WithLabelValues("2")),
		"receive inflight": testutil.ToFloat64(mb.snapReceiveInflight.WithLabelValues("1")),
		"send failures":    testutil.ToFloat64(ma.snapSendFailures.WithLabelValues("2")),
		"receive failures": testutil.ToFloat64(mb.snapReceiveFailures.WithLabelValues("1")),
	} {
		if v != 0 {
			t.Errorf("snapshot %s = %v, want 0", name, v)
		}
	}
	if got := testutil.ToFloat64(mb.receivedBytes.WithLabelValues("1")); got < float64(len(db)) {
		t.Errorf("b received %v bytes, less than the database", got)
	}

	a.tr.mu.RLock()
	p := a.tr.peers[2]
	a.tr.mu.RUnlock()
	p.probe()
	if n := histCount(ma.rttSec.WithLabelValues("2")); n != 1 {
		t.Errorf("%d round trips observed, want 1", n)
	}

	b.tr.Close()
	b.srv.CloseClientConnections()
	eventually(func() bool { return testutil.ToFloat64(ma.activePeers.WithLabelValues("1", "2")) == 0 })
	if got := testutil.ToFloat64(ma.disconnects.WithLabelValues("1", "2")); got != 1 {
		t.Errorf("disconnected_peers_total = %v, want 1", got)
	}
	for _, reg := range []*prometheus.Registry{ra, rb} {
		if n, err := testutil.GatherAndCount(reg, "etcd_network_peer_round_trip_time_seconds", "etcd_network_snapshot_send_success", "etcd_network_snapshot_receive_success"); err != nil || n == 0 {
			t.Errorf("gathered %d series, %v", n, err)
		}
	}
}

// TestProbeNamesSender: a probe carries the sender's headers as every peer
// request, so that its connection, which a stream may reuse, is known to
// be this member's.
func TestProbeNamesSender(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == probePath {
			got <- r.Header.Get(hdrFrom) + " " + r.Header.Get(hdrTo) + " " + r.Header.Get(hdrClusterID)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	a, _ := newMetricsNode(t, 1, nil)
	a.tr.AddPeer(2, []string{srv.URL})
	a.tr.mu.RLock()
	p := a.tr.peers[2]
	a.tr.mu.RUnlock()
	p.probe()
	if h := <-got; h != "1 2 7" {
		t.Fatalf("probe headers from/to/cluster = %q, want \"1 2 7\"", h)
	}
}
