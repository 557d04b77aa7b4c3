package mvcc

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// registerMetrics registers the store's gauges, with etcd's names, on reg.
// They are computed on scrape, so the write path pays nothing. Request
// counters (range_total, put_total, ...) belong to the server layer.
func (s *Store) registerMetrics(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	gauge := func(ns, name, help string, f func() float64) {
		g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: "mvcc", Name: name, Help: help}, f)
		if err := reg.Register(g); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				s.lg.Warn("failed to register metric")
			}
		}
	}
	gauge("etcd", "db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.",
		func() float64 { return float64(s.Backend().Size()) })
	gauge("etcd", "db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.",
		func() float64 { return float64(s.Backend().SizeInUse()) })
	gauge("etcd_debugging", "current_revision", "The current revision of store.",
		func() float64 { return float64(s.Rev()) })
	gauge("etcd_debugging", "compact_revision", "The revision of the last compaction in store.",
		func() float64 { return float64(s.FirstRev()) })
	gauge("etcd_debugging", "keys_total", "Total number of keys.",
		func() float64 {
			s.mu.RLock()
			defer s.mu.RUnlock()
			return float64(s.idx.Len())
		})
}

// registerWatchMetrics registers the watch gauges on reg.
func (ws *WatchableStore) registerWatchMetrics(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	for _, m := range []struct {
		name, help string
		f          func() float64
	}{
		{"watcher_total", "Total number of watchers.", func() float64 {
			ws.wmu.Lock()
			defer ws.wmu.Unlock()
			return float64(ws.synced.n + len(ws.unsynced) + len(ws.victims))
		}},
		{"slow_watcher_total", "Total number of unsynced slow watchers.", func() float64 {
			ws.wmu.Lock()
			defer ws.wmu.Unlock()
			return float64(len(ws.unsynced) + len(ws.victims))
		}},
	} {
		g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "etcd_debugging", Subsystem: "mvcc", Name: m.name, Help: m.help}, m.f)
		_ = reg.Register(g)
	}
}
