package backend

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the backend's prometheus metrics, with etcd's names.
type Metrics struct {
	CommitSec prometheus.Histogram
	// RebalanceSec, SpillSec and WriteSec are bbolt's own split of a
	// commit (etcd_debugging_disk_backend_commit_*_duration_seconds).
	RebalanceSec, SpillSec, WriteSec prometheus.Histogram
	DefragSec                        prometheus.Histogram
	SnapshotSec                      prometheus.Histogram
	// DefragInflight is 1 while Defrag runs.
	DefragInflight prometheus.Gauge
}

// NewMetrics creates the metrics and registers them on reg (nil: not
// registered). Collectors already registered on reg are reused.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		CommitSec: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd", Subsystem: "disk", Name: "backend_commit_duration_seconds",
			Help:    "The latency distributions of commit called by backend.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		RebalanceSec: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd_debugging", Subsystem: "disk", Name: "backend_commit_rebalance_duration_seconds",
			Help:    "The latency distributions of commit.rebalance called by bboltdb backend.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		SpillSec: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd_debugging", Subsystem: "disk", Name: "backend_commit_spill_duration_seconds",
			Help:    "The latency distributions of commit.spill called by bboltdb backend.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		WriteSec: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd_debugging", Subsystem: "disk", Name: "backend_commit_write_duration_seconds",
			Help:    "The latency distributions of commit.write called by bboltdb backend.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
		DefragSec: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd", Subsystem: "disk", Name: "backend_defrag_duration_seconds",
			Help:    "The latency distribution of backend defragmentation.",
			Buckets: prometheus.ExponentialBuckets(.1, 2, 13),
		}),
		SnapshotSec: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd", Subsystem: "disk", Name: "backend_snapshot_duration_seconds",
			Help:    "The latency distribution of backend snapshots.",
			Buckets: prometheus.ExponentialBuckets(.01, 2, 17),
		}),
		DefragInflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "etcd", Subsystem: "disk", Name: "defrag_inflight",
			Help: "Whether or not defrag is active on the member. 1 means active, 0 means not.",
		}),
	}
	if reg != nil {
		m.CommitSec = Register(reg, m.CommitSec)
		m.RebalanceSec = Register(reg, m.RebalanceSec)
		m.SpillSec = Register(reg, m.SpillSec)
		m.WriteSec = Register(reg, m.WriteSec)
		m.DefragSec = Register(reg, m.DefragSec)
		m.SnapshotSec = Register(reg, m.SnapshotSec)
		m.DefragInflight = Register(reg, m.DefragInflight)
	}
	return m
}

// Register registers c on reg (nil: not registered) and returns the
// collector to use: c, or the one of the same description already
// registered there (members of one process share a registry). The mvcc
// store registers its metrics with it too.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if e, ok := are.ExistingCollector.(C); ok {
				return e
			}
		}
	}
	return c
}
