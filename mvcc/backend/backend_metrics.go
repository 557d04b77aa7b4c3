package backend

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the backend's prometheus metrics, with etcd's names.
type Metrics struct {
	CommitSec   prometheus.Histogram
	DefragSec   prometheus.Histogram
	SnapshotSec prometheus.Histogram
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
	}
	if reg != nil {
		m.CommitSec = register(reg, m.CommitSec)
		m.DefragSec = register(reg, m.DefragSec)
		m.SnapshotSec = register(reg, m.SnapshotSec)
	}
	return m
}

func register(reg prometheus.Registerer, h prometheus.Histogram) prometheus.Histogram {
	if err := reg.Register(h); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if e, ok := are.ExistingCollector.(prometheus.Histogram); ok {
				return e
			}
		}
	}
	return h
}
