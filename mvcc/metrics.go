package mvcc

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// storeMetrics are the store's counters and histograms, with etcd's names,
// help texts and buckets. They exist (unregistered) without a Registerer,
// so the code that updates them never checks.
type storeMetrics struct {
	// ranges, puts, deletes count the operations of every transaction;
	// txns the transactions of more than one operation; putBytes the
	// bytes of keys and values put. Each transaction adds its own counts
	// once, at End.
	ranges, puts, deletes, txns prometheus.Counter
	putBytes                    prometheus.Gauge

	indexCompactionPauseMs prometheus.Histogram
	dbCompactionPauseMs    prometheus.Histogram
	dbCompactionTotalMs    prometheus.Histogram
	dbCompactionLast       prometheus.Gauge
	dbCompactionKeys       prometheus.Counter

	hashSec, hashRevSec prometheus.Histogram
}

func newStoreMetrics(reg prometheus.Registerer) *storeMetrics {
	counter := func(ns, name, help string) prometheus.Counter {
		return backend.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: "mvcc", Name: name, Help: help}))
	}
	gauge := func(ns, name, help string) prometheus.Gauge {
		return backend.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: "mvcc", Name: name, Help: help}))
	}
	histogram := func(ns, name, help string, buckets []float64) prometheus.Histogram {
		return backend.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: "mvcc", Name: name, Help: help, Buckets: buckets}))
	}
	return &storeMetrics{
		ranges:   counter("etcd", "range_total", "Total number of ranges seen by this member."),
		puts:     counter("etcd", "put_total", "Total number of puts seen by this member."),
		deletes:  counter("etcd", "delete_total", "Total number of deletes seen by this member."),
		txns:     counter("etcd", "txn_total", "Total number of txns seen by this member."),
		putBytes: gauge("etcd_debugging", "total_put_size_in_bytes", "The total size of put kv pairs seen by this member."),

		indexCompactionPauseMs: histogram("etcd_debugging", "index_compaction_pause_duration_milliseconds",
			"Bucketed histogram of index compaction pause duration.", prometheus.ExponentialBuckets(0.5, 2, 14)),
		dbCompactionPauseMs: histogram("etcd_debugging", "db_compaction_pause_duration_milliseconds",
			"Bucketed histogram of db compaction pause duration.", prometheus.ExponentialBuckets(1, 2, 13)),
		dbCompactionTotalMs: histogram("etcd_debugging", "db_compaction_total_duration_milliseconds",
			"Bucketed histogram of db compaction total duration.", prometheus.ExponentialBuckets(100, 2, 14)),
		dbCompactionLast: gauge("etcd_debugging", "db_compaction_last", "The unix time of the last db compaction. Resets to 0 on start."),
		dbCompactionKeys: counter("etcd_debugging", "db_compaction_keys_total", "Total number of db keys compacted."),

		hashSec: histogram("etcd", "hash_duration_seconds",
			"The latency distribution of storage hash operation.", prometheus.ExponentialBuckets(.01, 2, 15)),
		hashRevSec: histogram("etcd", "hash_rev_duration_seconds",
			"The latency distribution of storage hash by revision operation.", prometheus.ExponentialBuckets(.01, 2, 15)),
	}
}

// txnCounts are one transaction's operations, added to the metrics at End.
type txnCounts struct {
	ranges, puts, deletes int
	putBytes              int
}

func (m *storeMetrics) add(c *txnCounts) {
	if c.ranges+c.puts+c.deletes > 1 {
		m.txns.Inc()
	}
	if c.ranges > 0 {
		m.ranges.Add(float64(c.ranges))
	}
	if c.puts > 0 {
		m.puts.Add(float64(c.puts))
		m.putBytes.Add(float64(c.putBytes))
	}
	if c.deletes > 0 {
		m.deletes.Add(float64(c.deletes))
	}
}

// registerGauges registers the store's gauges, computed on scrape so the
// write path pays nothing.
func (s *Store) registerGauges(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	gauge := func(ns, name, help string, f func() float64) {
		backend.Register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: "mvcc", Name: name, Help: help}, f))
	}
	gauge("etcd", "db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.",
		func() float64 { return float64(s.Backend().Size()) })
	gauge("etcd", "db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.",
		func() float64 { return float64(s.Backend().SizeInUse()) })
	gauge("etcd", "db_open_read_transactions", "The number of currently open read transactions",
		func() float64 { return float64(s.Backend().OpenReadTxN()) })
	gauge("etcd_debugging", "current_revision", "The current revision of store.",
		func() float64 { return float64(s.Rev()) })
	gauge("etcd_debugging", "compact_revision", "The revision of the last compaction in store.",
		func() float64 { return float64(s.FirstRev()) })
	// Keys that exist, as etcd counts them: deleted keys stay in the
	// index until compacted, but not in this count.
	gauge("etcd_debugging", "keys_total", "Total number of keys.",
		func() float64 {
			s.mu.RLock()
			defer s.mu.RUnlock()
			return float64(s.idx.Live())
		})
}

// registerWatchMetrics registers the watch gauges and the events counter
// on reg. They are computed on scrape under the watch lock, from what the
// sends recorded (see watchStream.record).
func (ws *WatchableStore) registerWatchMetrics(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	locked := func(f func() float64) func() float64 {
		return func() float64 {
			ws.wmu.Lock()
			defer ws.wmu.Unlock()
			return f()
		}
	}
	for _, m := range []struct {
		name, help string
		f          func() float64
	}{
		{"watcher_total", "Total number of watchers.", func() float64 {
			return float64(ws.synced.n + len(ws.unsynced) + len(ws.victims))
		}},
		{"slow_watcher_total", "Total number of unsynced slow watchers.", func() float64 {
			return float64(len(ws.unsynced) + len(ws.victims))
		}},
		{"watch_stream_total", "Total number of watch streams.", func() float64 {
			return float64(len(ws.streams))
		}},
		{"pending_events_total", "Total number of pending events to be sent.", func() float64 {
			return float64(ws.pendingEventsLocked())
		}},
	} {
		backend.Register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "etcd_debugging", Subsystem: "mvcc", Name: m.name, Help: m.help}, locked(m.f)))
	}
	// Events taken by the watch streams' readers: sent minus still
	// waiting in the channels, which only grows.
	backend.Register(reg, prometheus.NewCounterFunc(prometheus.CounterOpts{
		Namespace: "etcd_debugging", Subsystem: "mvcc", Name: "events_total", Help: "Total number of events sent by this member.",
	}, locked(func() float64 { return float64(ws.sentEvents - ws.pendingEventsLocked()) })))
}
