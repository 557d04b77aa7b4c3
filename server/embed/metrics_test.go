package embed

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
)

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMetricsEndpoint: every client listener serves the member's one
// registry: the server's, the runtime's and the handlers' own metrics,
// /health answers counted once whichever listener served them.
func TestMetricsEndpoint(t *testing.T) {
	c1, c2, peer := freeURL(t), freeURL(t), freeURL(t)
	cfg := NewConfig()
	cfg.Dir = t.TempDir()
	cfg.ZapLogger = zap.NewNop()
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{c1, c2}, []url.URL{c1}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e := startReady(t, cfg)
	defer e.Close()
	if _, err := e.Server.Put(context.Background(), &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []url.URL{c1, c2} {
		if got := httpGet(t, c.String()+"/health"); !strings.Contains(got, `"health":"true"`) {
			t.Fatalf("/health: %s", got)
		}
	}
	for _, c := range []url.URL{c1, c2} {
		got := httpGet(t, c.String()+"/metrics")
		for _, line := range []string{
			"etcd_server_health_success 2",
			"etcd_server_health_failures 0",
			"etcd_server_has_leader 1",
			"etcd_mvcc_put_total 1",
			// Both health checks ranged.
			`etcd_server_request_duration_seconds_count{success="true",type="Range"} 2`,
			`grpc_server_started_total{grpc_method="Put",grpc_service="etcdserverpb.KV",grpc_type="unary"} 0`,
			"# TYPE promhttp_metric_handler_requests_total counter",
			"# TYPE go_goroutines gauge",
			"# TYPE process_open_fds gauge",
		} {
			if !strings.Contains(got, "\n"+line+"\n") {
				t.Errorf("%s/metrics has no line %q", c.Host, line)
			}
		}
	}
}
