package lease

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/etcdgo/etcd/server/v3/internal/promreg"
)

// Metrics are the lease metrics, with etcd's names, help texts and
// buckets, shared by the Store (grants, revocations) and the Primary
// (renewals).
type Metrics struct {
	Granted, Revoked, Renewed prometheus.Counter
	// TTLs are the TTLs granted, in seconds.
	TTLs prometheus.Histogram
}

// NewMetrics creates the metrics and registers them on reg (nil: not
// registered). Collectors already registered on reg are reused.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return promreg.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Namespace: "etcd_debugging", Subsystem: "lease", Name: name, Help: help}))
	}
	return &Metrics{
		Granted: counter("granted_total", "The total number of granted leases."),
		Revoked: counter("revoked_total", "The total number of revoked leases."),
		Renewed: counter("renewed_total", "The number of renewed leases seen by the leader."),
		TTLs: promreg.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd_debugging", Subsystem: "lease", Name: "ttl_total",
			Help:    "Bucketed histogram of lease TTLs.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 24),
		})),
	}
}
