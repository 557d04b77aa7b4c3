package backend

import (
	"runtime"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// histCount is the number of observations of a histogram.
func histCount(t *testing.T, h prometheus.Histogram) uint64 {
	t.Helper()
	var m dto.Metric
	if err := h.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

// TestCommitMetrics: every commit is observed, with bbolt's split of it.
func TestCommitMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	b := openTest(t, Config{Metrics: m})
	before := histCount(t, m.CommitSec)
	for i := 0; i < 3; i++ {
		put(b, Key, "k", "v")
		b.ForceCommit()
	}
	for name, h := range map[string]prometheus.Histogram{"commit": m.CommitSec, "rebalance": m.RebalanceSec, "spill": m.SpillSec, "write": m.WriteSec} {
		if got := histCount(t, h) - before; got != 3 {
			t.Errorf("%s: %d observations after 3 commits, want 3", name, got)
		}
	}
	for _, name := range []string{
		"etcd_disk_backend_commit_duration_seconds",
		"etcd_debugging_disk_backend_commit_rebalance_duration_seconds",
		"etcd_debugging_disk_backend_commit_spill_duration_seconds",
		"etcd_debugging_disk_backend_commit_write_duration_seconds",
		"etcd_disk_backend_defrag_duration_seconds",
		"etcd_disk_backend_snapshot_duration_seconds",
		"etcd_disk_defrag_inflight",
	} {
		if got := testutil.CollectAndCount(reg, name); got != 1 {
			t.Errorf("%s: %d series registered, want 1", name, got)
		}
	}
}

// TestOpenReadTxN: the current read view is one open read transaction; a
// view still held by a reader after a commit is another until released.
func TestOpenReadTxN(t *testing.T) {
	b := openTest(t, Config{})
	if n := b.OpenReadTxN(); n != 1 {
		t.Fatalf("after open: %d, want 1", n)
	}
	rtx := b.ConcurrentReadTx()
	put(b, Key, "k", "v")
	b.ForceCommit()
	if n := b.OpenReadTxN(); n != 2 {
		t.Fatalf("with an old view held: %d, want 2", n)
	}
	rtx.RUnlock()
	// The old view is rolled back in the background once released.
	for b.OpenReadTxN() != 1 {
		runtime.Gosched()
	}
	if err := b.Defrag(); err != nil {
		t.Fatal(err)
	}
	if n := b.OpenReadTxN(); n != 1 {
		t.Fatalf("after defrag: %d, want 1", n)
	}
}
