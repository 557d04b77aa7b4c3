package mvcc

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// metricValue reads one unlabelled metric of reg: a counter's or gauge's
// value, a histogram's sample count; -1 when absent.
func metricValue(t *testing.T, reg prometheus.Gatherer, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return -1
}

func newMetricsStore(t *testing.T) (*WatchableStore, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	b := openTestBackend(t, filepath.Join(t.TempDir(), "db"))
	s, err := NewWatchableStore(b, nil, StoreConfig{Registerer: reg, CompactionSleepInterval: time.Microsecond, CompactionBatchLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.Close()
		_ = b.Close()
	})
	return s, reg
}

// TestTxnMetrics: operations are counted per transaction, as etcd counts
// them: a transaction of more than one operation is a txn.
func TestTxnMetrics(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		do   func(s *WatchableStore)
		want map[string]float64
	}{
		{"put", func(s *WatchableStore) { s.Put([]byte("ab"), []byte("cde"), 0) },
			map[string]float64{"etcd_mvcc_put_total": 1, "etcd_debugging_mvcc_total_put_size_in_bytes": 5, "etcd_mvcc_txn_total": 0}},
		{"range", func(s *WatchableStore) { _, _ = s.Range(ctx, []byte("a"), nil, RangeOptions{}) },
			map[string]float64{"etcd_mvcc_range_total": 1, "etcd_mvcc_txn_total": 0}},
		{"delete", func(s *WatchableStore) { s.DeleteRange([]byte("a"), []byte("z")) },
			map[string]float64{"etcd_mvcc_delete_total": 1, "etcd_mvcc_txn_total": 0}},
		{"read txn of two ranges", func(s *WatchableStore) {
			tr := s.Read(ctx)
			_, _ = tr.Range(ctx, []byte("a"), nil, RangeOptions{})
			_, _ = tr.Range(ctx, []byte("b"), nil, RangeOptions{})
			tr.End()
		}, map[string]float64{"etcd_mvcc_range_total": 2, "etcd_mvcc_txn_total": 1}},
		{"write txn", func(s *WatchableStore) {
			tw := s.Write(ctx)
			_, _ = tw.Range(ctx, []byte("a"), nil, RangeOptions{})
			tw.Put([]byte("a"), []byte("1"), 0)
			tw.Put([]byte("b"), []byte("2"), 0)
			tw.DeleteRange([]byte("a"), nil)
			tw.End()
		}, map[string]float64{"etcd_mvcc_range_total": 1, "etcd_mvcc_put_total": 2, "etcd_mvcc_delete_total": 1,
			"etcd_mvcc_txn_total": 1, "etcd_debugging_mvcc_total_put_size_in_bytes": 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, reg := newMetricsStore(t)
			tt.do(s)
			for name, want := range tt.want {
				if got := metricValue(t, reg, name); got != want {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
		})
	}
}

// TestCompactionAndHashMetrics: a compaction observes its pauses and
// counts the revisions it removed; hashes observe their durations.
func TestCompactionAndHashMetrics(t *testing.T) {
	s, reg := newMetricsStore(t)
	for i := 0; i < 5; i++ {
		s.Put([]byte("k"), []byte("v"), 0)
	}
	if got := metricValue(t, reg, "etcd_debugging_mvcc_db_compaction_last"); got != 0 {
		t.Fatalf("db_compaction_last before any compaction = %v", got)
	}
	if _, err := s.Compact(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	s.WaitCompactions()
	// Revisions 2, 3 and 4 of k are gone (5 is kept); batches of 2 keys
	// make two pauses.
	for name, want := range map[string]float64{
		"etcd_debugging_mvcc_db_compaction_keys_total":                     3,
		"etcd_debugging_mvcc_index_compaction_pause_duration_milliseconds": 1,
		"etcd_debugging_mvcc_db_compaction_total_duration_milliseconds":    1,
		"etcd_debugging_mvcc_db_compaction_pause_duration_milliseconds":    3,
		"etcd_debugging_mvcc_compact_revision":                             5,
		"etcd_debugging_mvcc_current_revision":                             6,
		"etcd_debugging_mvcc_keys_total":                                   1,
	} {
		if got := metricValue(t, reg, name); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := metricValue(t, reg, "etcd_debugging_mvcc_db_compaction_last"); got < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("db_compaction_last = %v, want the time of the compaction", got)
	}
	if _, _, err := s.HashByRev(0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Hash(backend.DefaultHashIgnores); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"etcd_mvcc_hash_rev_duration_seconds", "etcd_mvcc_hash_duration_seconds"} {
		if got := metricValue(t, reg, name); got != 1 {
			t.Errorf("%s: %v observations, want 1", name, got)
		}
	}
	if got := metricValue(t, reg, "etcd_mvcc_db_open_read_transactions"); got < 1 {
		t.Errorf("db_open_read_transactions = %v, want at least the current view", got)
	}
}

// TestWatchMetrics: events wait in a stream's channel until its reader
// takes them; only then are they counted as sent.
func TestWatchMetrics(t *testing.T) {
	s, reg := newMetricsStore(t)
	ws := s.NewWatchStream()
	if _, err := ws.Watch(AutoWatchID, []byte("k"), nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Watch(AutoWatchID, []byte("a"), []byte("z"), 0); err != nil {
		t.Fatal(err)
	}
	tw := s.Write(context.Background())
	tw.Put([]byte("k"), []byte("1"), 0)
	tw.Put([]byte("m"), []byte("1"), 0)
	tw.End()
	s.Put([]byte("x"), []byte("2"), 0)
	check := func(step string, want map[string]float64) {
		t.Helper()
		for name, w := range want {
			if got := metricValue(t, reg, name); got != w {
				t.Errorf("%s: %s = %v, want %v", step, name, got, w)
			}
		}
	}
	// Three responses: k (1 event), the range's k and m (2), x (1).
	check("before reading", map[string]float64{
		"etcd_debugging_mvcc_watch_stream_total":   1,
		"etcd_debugging_mvcc_watcher_total":        2,
		"etcd_debugging_mvcc_slow_watcher_total":   0,
		"etcd_debugging_mvcc_pending_events_total": 4,
		"etcd_debugging_mvcc_events_total":         0,
	})
	n := 0
	for n < 3 {
		n += len((<-ws.Chan()).Events)
	}
	check("after reading 3 events", map[string]float64{
		"etcd_debugging_mvcc_pending_events_total": 1,
		"etcd_debugging_mvcc_events_total":         3,
	})
	ws.RequestProgressAll() // an empty response waits too
	<-ws.Chan()
	check("after the last event", map[string]float64{
		"etcd_debugging_mvcc_pending_events_total": 0,
		"etcd_debugging_mvcc_events_total":         4,
	})
	ws.Close()
	check("after close", map[string]float64{
		"etcd_debugging_mvcc_watch_stream_total": 0,
		"etcd_debugging_mvcc_watcher_total":      0,
		"etcd_debugging_mvcc_events_total":       4,
	})
}

// TestKeysTotal: keys_total counts the keys that exist, as etcd's: a
// deleted key leaves the count though its index stays until compacted,
// and a restore counts the same.
func TestKeysTotal(t *testing.T) {
	reg := prometheus.NewRegistry()
	b := openTestBackend(t, filepath.Join(t.TempDir(), "db"))
	defer b.Close()
	s, err := NewWatchableStore(b, nil, StoreConfig{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	keys := func() float64 { return metricValue(t, reg, "etcd_debugging_mvcc_keys_total") }
	steps := []struct {
		name string
		do   func()
		want float64
	}{
		{"two puts", func() { s.Put([]byte("a"), []byte("1"), 0); s.Put([]byte("b"), []byte("1"), 0) }, 2},
		{"a put of an existing key", func() { s.Put([]byte("a"), []byte("2"), 0) }, 2},
		{"a delete", func() { s.DeleteRange([]byte("a"), nil) }, 1},
		{"a deleted key put again", func() { s.Put([]byte("a"), []byte("3"), 0) }, 2},
		{"a txn deleting both and putting one", func() {
			tw := s.Write(context.Background())
			tw.DeleteRange([]byte("a"), []byte("z"))
			tw.Put([]byte("c"), []byte("1"), 0)
			tw.End()
		}, 1},
	}
	for _, st := range steps {
		st.do()
		if got := keys(); got != st.want {
			t.Fatalf("after %s: keys_total = %v, want %v", st.name, got, st.want)
		}
	}
	s.Close()
	s2, err := NewWatchableStore(b, nil, StoreConfig{Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := s2.idx.Live(); got != 1 {
		t.Fatalf("after restore: %d live keys, want 1", got)
	}
}
