package metrics

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

// missing are etcd 3.7's metric families our server does not have, each
// with the reason. The test fails if etcd shows a family that is neither
// ours nor here, and if one listed here shows up on our server (then it
// must leave this list).
var missing = map[string]string{
	// The v2 store: we implement the v3 API only.
	"etcd_debugging_store_expires_total":        "v2 store",
	"etcd_debugging_store_watch_requests_total": "v2 store",
	"etcd_debugging_store_watchers":             "v2 store",
	// The gRPC proxy (etcd grpc-proxy) registers these in the server's
	// binary too; we have no proxy.
	"etcd_grpc_proxy_cache_hits_total":          "grpc proxy",
	"etcd_grpc_proxy_cache_keys_total":          "grpc proxy",
	"etcd_grpc_proxy_cache_misses_total":        "grpc proxy",
	"etcd_grpc_proxy_events_coalescing_total":   "grpc proxy",
	"etcd_grpc_proxy_watchers_coalescing_total": "grpc proxy",
	// Authentication is not implemented yet (refetcd.Auth).
	"etcd_debugging_auth_revision": "auth",
	// The watch send loop (server/v3rpc/watch_send.go) is not
	// instrumented yet.
	"etcd_debugging_server_watch_send_loop_control_stream_duration_seconds":         "watch send loop",
	"etcd_debugging_server_watch_send_loop_progress_duration_seconds":               "watch send loop",
	"etcd_debugging_server_watch_send_loop_watch_stream_duration_per_event_seconds": "watch send loop",
	"etcd_debugging_server_watch_send_loop_watch_stream_duration_seconds":           "watch send loop",
}

// TestMetricsParity runs the same workload on a member of our server and
// of etcd and compares their /metrics family by family.
func TestMetricsParity(t *testing.T) {
	scraped := map[string]map[string]*dto.MetricFamily{}
	for _, srv := range []refetcd.Server{refetcd.Ours, refetcd.Etcd} {
		t.Run(srv.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c, err := srv.Start(ctx, refetcd.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ep := c.Endpoints()[0]
			workload(t, ctx, ep)
			fams := scrape(t, ep)
			checkValues(t, fams)
			scraped[srv.Name] = fams
		})
	}
	ours, etcd := scraped[refetcd.Ours.Name], scraped[refetcd.Etcd.Name]
	if ours == nil || etcd == nil {
		t.Fatal("a server did not serve its metrics")
	}
	for _, name := range sortedNames(etcd) {
		reason, skip := missing[name]
		o, have := ours[name]
		switch {
		case skip && have:
			t.Errorf("%s (listed as missing: %s) is now exported: remove it from the list", name, reason)
		case skip:
		case !have:
			t.Errorf("%s: etcd exports it, we do not", name)
		default:
			if want, got := signature(etcd[name]), signature(o); want != got {
				t.Errorf("%s differs:\n  etcd: %s\n  ours: %s", name, want, got)
			}
		}
	}
	for _, name := range sortedNames(ours) {
		if _, ok := etcd[name]; !ok {
			t.Errorf("%s: we export it, etcd does not (after the same workload)", name)
		}
	}
}

// workload is a small mix of every kind of request: puts seen by a
// watcher, a range, a txn, a lease granted, used and revoked, a physical
// compaction, a defragmentation and a health check.
func workload(t *testing.T, ctx context.Context, ep string) {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{ep}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	wch := cli.Watch(wctx, "k", clientv3.WithCreatedNotify())
	if wr := <-wch; !wr.Created {
		t.Fatalf("watch not created: %+v", wr)
	}
	var rev int64
	for i := 0; i < 5; i++ {
		resp, err := cli.Put(ctx, "k", fmt.Sprint(i))
		if err != nil {
			t.Fatal(err)
		}
		rev = resp.Header.Revision
	}
	for n := 0; n < 5; {
		wr, ok := <-wch
		if !ok {
			t.Fatal("watch closed")
		}
		n += len(wr.Events)
	}
	if _, err := cli.Get(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	tresp, err := cli.Txn(ctx).If(clientv3.Compare(clientv3.Value("k"), "=", "4")).Then(clientv3.OpPut("t", "1")).Commit()
	if err != nil || !tresp.Succeeded {
		t.Fatalf("txn: %v %v", tresp, err)
	}
	lease, err := cli.Grant(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(ctx, "l", "v", clientv3.WithLease(lease.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Revoke(ctx, lease.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Compact(ctx, rev, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Defragment(ctx, ep); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ep + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/health: %s", resp.Status)
	}
}

func scrape(t *testing.T, ep string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(ep + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// checkValues spot-checks that metrics follow the workload (on both
// servers, so the checks themselves are right).
func checkValues(t *testing.T, fams map[string]*dto.MetricFamily) {
	t.Helper()
	for _, c := range []struct {
		name   string
		labels map[string]string
		min    float64
		max    float64 // 0: no bound
	}{
		// Five puts, the lease's and the txn's.
		{"etcd_mvcc_put_total", nil, 7, 7},
		{"etcd_mvcc_range_total", nil, 1, 0},
		{"etcd_debugging_mvcc_total_put_size_in_bytes", nil, 7 * 2, 0},
		{"etcd_debugging_mvcc_events_total", nil, 5, 0},
		{"etcd_debugging_mvcc_keys_total", nil, 2, 2},
		{"etcd_disk_wal_fsync_duration_seconds", nil, 1, 0},
		{"etcd_disk_wal_write_bytes_total", nil, 1, 0},
		{"etcd_disk_backend_commit_duration_seconds", nil, 1, 0},
		{"etcd_disk_backend_defrag_duration_seconds", nil, 1, 1},
		{"etcd_debugging_mvcc_db_compaction_total_duration_milliseconds", nil, 1, 1},
		{"etcd_debugging_mvcc_index_compaction_pause_duration_milliseconds", nil, 1, 1},
		{"etcd_debugging_lease_granted_total", nil, 1, 1},
		{"etcd_debugging_lease_revoked_total", nil, 1, 1},
		{"etcd_debugging_lease_ttl_total", nil, 1, 1},
		// Ours and the readiness checks of refetcd.
		{"etcd_server_health_success", nil, 1, 0},
		{"etcd_server_has_leader", nil, 1, 1},
		{"etcd_server_leader_changes_seen_total", nil, 1, 1},
		{"etcd_server_proposals_pending", nil, 0, 0},
		{"grpc_server_handled_total", map[string]string{"grpc_method": "Put", "grpc_code": "OK"}, 6, 6},
		{"grpc_server_handled_total", map[string]string{"grpc_method": "Txn", "grpc_code": "OK"}, 1, 1},
		{"grpc_server_started_total", map[string]string{"grpc_method": "Watch", "grpc_service": "etcdserverpb.Watch"}, 1, 1},
		{"grpc_server_msg_sent_total", map[string]string{"grpc_method": "Watch", "grpc_service": "etcdserverpb.Watch"}, 2, 0},
		{"etcd_server_request_duration_seconds", map[string]string{"type": "Put", "success": "true"}, 6, 6},
		{"etcd_server_apply_duration_seconds", map[string]string{"op": "LeaseRevoke", "success": "true"}, 1, 1},
		{"etcd_network_client_grpc_received_bytes_total", nil, 50, 0},
		{"etcd_network_client_grpc_sent_bytes_total", nil, 50, 0},
		{"etcd_server_client_requests_total", map[string]string{"type": "unary"}, 10, 0},
	} {
		got, ok := value(fams[c.name], c.labels)
		switch {
		case !ok:
			t.Errorf("%s%v: no such series", c.name, c.labels)
		case got < c.min || (c.max > 0 && got > c.max) || (c.max == 0 && c.min == 0 && got != 0):
			t.Errorf("%s%v = %v, want %v..%v", c.name, c.labels, got, c.min, c.max)
		}
	}
}

// value is the sum, over the series of f with the given labels, of their
// values (a histogram's: its count).
func value(f *dto.MetricFamily, labels map[string]string) (float64, bool) {
	if f == nil {
		return 0, false
	}
	sum, found := 0.0, false
next:
	for _, m := range f.GetMetric() {
		for k, v := range labels {
			if !slices.ContainsFunc(m.GetLabel(), func(lp *dto.LabelPair) bool { return lp.GetName() == k && lp.GetValue() == v }) {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		}
	}
	return sum, found
}

// signature is what must match between etcd's family and ours: type,
// help, label names (of every series) and histogram buckets.
func signature(f *dto.MetricFamily) string {
	labels := map[string]bool{}
	var buckets []string
	for _, m := range f.GetMetric() {
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = true
		}
		if h := m.GetHistogram(); h != nil && buckets == nil {
			for _, b := range h.GetBucket() {
				buckets = append(buckets, fmt.Sprint(b.GetUpperBound()))
			}
		}
	}
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	s := fmt.Sprintf("type=%s help=%q labels=[%s]", f.GetType(), f.GetHelp(), strings.Join(names, ","))
	if buckets != nil {
		s += " buckets=[" + strings.Join(buckets, ",") + "]"
	}
	return s
}

func sortedNames(fams map[string]*dto.MetricFamily) []string {
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// peerFamilies are the peer metrics a three-member cluster always shows
// once its members have talked and probed each other; others (failures,
// disconnections, snapshots) depend on timing and are compared only when
// both servers show them.
var peerFamilies = []string{
	"etcd_network_active_peers",
	"etcd_network_known_peers",
	"etcd_network_peer_sent_bytes_total",
	"etcd_network_peer_received_bytes_total",
	"etcd_network_peer_round_trip_time_seconds",
}

// TestPeerMetricsParity compares the peer metrics of a member of a
// three-member cluster of ours and of etcd.
func TestPeerMetricsParity(t *testing.T) {
	scraped := map[string]map[string]*dto.MetricFamily{}
	for _, srv := range []refetcd.Server{refetcd.Ours, refetcd.Etcd} {
		t.Run(srv.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c, err := srv.Start(ctx, refetcd.Options{Size: 3, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			cli, err := clientv3.New(clientv3.Config{Endpoints: c.Endpoints(), DialTimeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			if _, err := cli.Put(ctx, "k", "v"); err != nil {
				t.Fatal(err)
			}
			// Round trips are measured every few seconds.
			ep := c.Endpoints()[0]
			var fams map[string]*dto.MetricFamily
			for ctx.Err() == nil {
				fams = scrape(t, ep)
				if _, ok := fams["etcd_network_peer_round_trip_time_seconds"]; ok {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			for _, c := range []struct {
				name   string
				series int
			}{
				{"etcd_network_known_peers", 3},
				{"etcd_network_active_peers", 2},
				{"etcd_network_peer_sent_bytes_total", 2},
				{"etcd_network_peer_round_trip_time_seconds", 2},
			} {
				if n := len(fams[c.name].GetMetric()); n != c.series {
					t.Errorf("%s: %d series, want %d", c.name, n, c.series)
				}
			}
			if v, _ := value(fams["etcd_network_active_peers"], nil); v != 2 {
				t.Errorf("etcd_network_active_peers sums to %v, want 2", v)
			}
			scraped[srv.Name] = fams
		})
	}
	ours, etcd := scraped[refetcd.Ours.Name], scraped[refetcd.Etcd.Name]
	if ours == nil || etcd == nil {
		t.Fatal("a server did not serve its metrics")
	}
	for _, name := range peerFamilies {
		if ours[name] == nil || etcd[name] == nil {
			t.Errorf("%s: ours %v, etcd %v", name, ours[name] != nil, etcd[name] != nil)
		}
	}
	for _, name := range sortedNames(etcd) {
		if o := ours[name]; o != nil && strings.HasPrefix(name, "etcd_network_") {
			if want, got := signature(etcd[name]), signature(o); want != got {
				t.Errorf("%s differs:\n  etcd: %s\n  ours: %s", name, want, got)
			}
		}
	}
}
