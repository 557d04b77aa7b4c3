package lease

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// TestMetrics: grants (with their TTLs), revocations and renewals by the
// primary are counted; refused ones are not.
func TestMetrics(t *testing.T) {
	be, err := backend.Open(backend.Config{Path: filepath.Join(t.TempDir(), "db")})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	st := NewStore(StoreConfig{Backend: be, MinTTL: 5, Metrics: m})
	p := NewPrimary(PrimaryConfig{Store: st, Metrics: m, Now: func() time.Time { return time.Unix(1000, 0) }})
	defer p.Stop()
	if _, err := st.Grant(1, 1); err != nil { // raised to the minimum TTL
		t.Fatal(err)
	}
	if _, err := st.Grant(2, 100); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Grant(2, 100); err == nil {
		t.Fatal("granted lease 2 twice")
	}
	p.Promote(0)
	if _, err := p.Renew(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Renew(context.Background(), 3); err == nil {
		t.Fatal("renewed an unknown lease")
	}
	if err := st.Revoke(1); err != nil {
		t.Fatal(err)
	}
	if err := st.Revoke(1); err == nil {
		t.Fatal("revoked lease 1 twice")
	}
	for c, want := range map[prometheus.Counter]float64{m.Granted: 2, m.Revoked: 1, m.Renewed: 1} {
		if got := testutil.ToFloat64(c); got != want {
			t.Errorf("%v = %v, want %v", c.Desc(), got, want)
		}
	}
	if got := testutil.CollectAndCount(reg, "etcd_debugging_lease_ttl_total"); got != 1 {
		t.Fatalf("ttl histogram: %d series", got)
	}
	var h dto.Metric
	if err := m.TTLs.Write(&h); err != nil {
		t.Fatal(err)
	}
	if n, sum := h.GetHistogram().GetSampleCount(), h.GetHistogram().GetSampleSum(); n != 2 || sum != 105 {
		t.Errorf("TTLs granted: %d, summing %v; want 2 summing 105 (the minimum 5, and 100)", n, sum)
	}
}
