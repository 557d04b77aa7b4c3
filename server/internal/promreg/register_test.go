package promreg

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegisterReusesExisting(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "x_total", Help: "x"}
	a := Register(reg, prometheus.NewCounter(opts))
	b := Register(reg, prometheus.NewCounter(opts))
	if a != b {
		t.Fatal("second registration did not return the registered collector")
	}
	b.Inc()
	if got := testCount(t, reg); got != 1 {
		t.Fatalf("x_total = %v, want 1", got)
	}
	if c := Register(nil, prometheus.NewCounter(opts)); c == nil {
		t.Fatal("nil registry: collector not returned")
	}
}

func testCount(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 {
		t.Fatalf("gather: %v, %d families", err, len(mfs))
	}
	return mfs[0].GetMetric()[0].GetCounter().GetValue()
}
