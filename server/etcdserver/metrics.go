package etcdserver

import (
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/etcdgo/etcd/api/v3/version"

	"github.com/etcdgo/etcd/server/v3/internal/promreg"
)

// serverMetrics are the server's metrics with etcd's names, help texts,
// labels and buckets. They exist (unregistered) without a Registerer, so
// the code that updates them never checks. Labelled children used on hot
// paths are resolved once and kept (see observers).
type serverMetrics struct {
	leaderChanges     prometheus.Counter
	heartbeatFailures prometheus.Counter
	snapshotApplying  prometheus.Gauge
	proposalsPending  prometheus.Gauge
	proposalsFailed   prometheus.Counter
	slowApplies       prometheus.Counter
	readIndexFailed   prometheus.Counter
	slowReadIndex     prometheus.Counter
	learnerPromotes   prometheus.Counter
	// promoteFailures is by the error's text, as etcd's.
	promoteFailures *prometheus.CounterVec
	leaseExpired    prometheus.Counter

	// requests is etcd_server_request_duration_seconds{type, success},
	// applies etcd_server_apply_duration_seconds{version, op, success},
	// ranges etcd_server_range_duration_seconds{success}; all indexed by
	// request type (see reqType) and success.
	requests, applies *observers
	ranges            [2]prometheus.Observer

	// wal and snap receive the raftwal timings.
	wal  *walMetrics
	snap *snapMetrics
}

func newServerMetrics(reg prometheus.Registerer) *serverMetrics {
	counter := func(ns, name, help string) prometheus.Counter {
		return promreg.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: "server", Name: name, Help: help}))
	}
	gauge := func(name, help string) prometheus.Gauge {
		return promreg.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "etcd", Subsystem: "server", Name: name, Help: help}))
	}
	m := &serverMetrics{
		leaderChanges:     counter("etcd", "leader_changes_seen_total", "The number of leader changes seen."),
		heartbeatFailures: counter("etcd", "heartbeat_send_failures_total", "The total number of leader heartbeat send failures (likely overloaded from slow disk)."),
		snapshotApplying:  gauge("snapshot_apply_in_progress_total", "1 if the server is applying the incoming snapshot. 0 if none."),
		proposalsPending:  gauge("proposals_pending", "The current number of pending proposals to commit."),
		proposalsFailed:   counter("etcd", "proposals_failed_total", "The total number of failed proposals seen."),
		slowApplies:       counter("etcd", "slow_apply_total", "The total number of slow apply requests (likely overloaded from slow disk)."),
		readIndexFailed:   counter("etcd", "read_indexes_failed_total", "The total number of failed read indexes seen."),
		slowReadIndex:     counter("etcd", "slow_read_indexes_total", "The total number of pending read indexes not in sync with leader's or timed out read index requests."),
		learnerPromotes:   counter("etcd", "learner_promote_successes", "The total number of successful learner promotions while this member is leader."),
		leaseExpired:      counter("etcd_debugging", "lease_expired_total", "The total number of expired leases."),
	}
	m.promoteFailures = promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "etcd", Subsystem: "server", Name: "learner_promote_failures",
		Help: "The total number of failed learner promotions (likely learner not ready) while this member is leader.",
	}, []string{"Reason"}))
	requests := promreg.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "etcd", Subsystem: "server", Name: "request_duration_seconds",
		Help:    "Response latency distribution in seconds for each type.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	}, []string{"type", "success"}))
	m.requests = newObservers(func(t, ok int) prometheus.Observer {
		return requests.WithLabelValues(reqTypeNames[t], strconv.FormatBool(ok == 1))
	})
	applies := promreg.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "etcd", Subsystem: "server", Name: "apply_duration_seconds",
		Help:    "The latency distributions of v2 apply called by backend.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 20),
	}, []string{"version", "op", "success"}))
	m.applies = newObservers(func(t, ok int) prometheus.Observer {
		return applies.WithLabelValues("v3", applyOpName(t), strconv.FormatBool(ok == 1))
	})
	ranges := promreg.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "etcd", Subsystem: "server", Name: "range_duration_seconds",
		Help:    "The latency distributions of txn.Range",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 20),
	}, []string{"success"}))
	m.ranges = [2]prometheus.Observer{ranges.WithLabelValues("false"), ranges.WithLabelValues("true")}
	m.wal = newWALMetrics(reg)
	m.snap = newSnapMetrics(reg)
	return m
}

// observeRequest records a request of type t that took took.
func (m *serverMetrics) observeRequest(t int, ok bool, took time.Duration) {
	m.requests.get(t, ok).Observe(took.Seconds())
}

// observeApply records the apply of an entry of type t, as etcd does (in
// whole microseconds).
func (m *serverMetrics) observeApply(t int, ok bool, took time.Duration) {
	m.applies.get(t, ok).Observe(float64(took.Microseconds()) / 1e6)
}

// observeRange records the range part of a read (etcd's txn.Range).
func (m *serverMetrics) observeRange(ok bool, took time.Duration) {
	m.ranges[b2i(ok)].Observe(float64(took.Microseconds()) / 1e6)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// observers are the children of a histogram vec by request type and
// success, resolved on first use: only the label values in use are
// exposed (as etcd's), and later uses cost no label lookup.
type observers struct {
	resolve func(t, ok int) prometheus.Observer
	slots   [numReqTypes][2]atomic.Pointer[prometheus.Observer]
}

func newObservers(resolve func(t, ok int) prometheus.Observer) *observers {
	return &observers{resolve: resolve}
}

func (o *observers) get(t int, ok bool) prometheus.Observer {
	s := &o.slots[t][b2i(ok)]
	if p := s.Load(); p != nil {
		return *p
	}
	obs := o.resolve(t, b2i(ok)) // the vec returns the same child to racing callers
	s.Store(&obs)
	return obs
}

// registerGauges registers the gauges computed on scrape and those set
// once, for a server that exists.
func (s *EtcdServer) registerGauges(reg prometheus.Registerer) {
	if reg == nil {
		return
	}
	gauge := func(ns, subsystem, name, help string, f func() float64) {
		promreg.Register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: ns, Subsystem: subsystem, Name: name, Help: help}, f))
	}
	b2f := func(b bool) float64 { return float64(b2i(b)) }
	gauge("etcd", "server", "has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", func() float64 { return b2f(s.Leader() != 0) })
	gauge("etcd", "server", "is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", func() float64 { return b2f(s.Leader() == s.ID()) })
	gauge("etcd", "server", "is_learner", "Whether or not this member is a learner. 1 if is, 0 otherwise.", func() float64 { return b2f(s.IsLearner()) })
	gauge("etcd", "server", "proposals_committed_total", "The total number of consensus proposals committed.", func() float64 { return float64(s.CommittedIndex()) })
	gauge("etcd", "server", "proposals_applied_total", "The total number of consensus proposals applied.", func() float64 { return float64(s.AppliedIndex()) })
	gauge("etcd", "server", "quota_backend_bytes", "Current backend storage quota size in bytes.", func() float64 { return float64(s.QuotaBackendBytes()) })
	gauge("os", "fd", "used", "The number of used file descriptors.", func() float64 { used, _ := fdUsage(); return float64(used) })
	gauge("os", "fd", "limit", "The file descriptor limit.", func() float64 { limit, _ := fdLimit(); return float64(limit) })

	info := func(ns, subsystem, name, help, label, value string) {
		g := promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: subsystem, Name: name, Help: help}, []string{label}))
		g.WithLabelValues(value).Set(1)
	}
	info("etcd", "server", "version", "Which version is running. 1 for 'server_version' label with current version.", "server_version", version.Version)
	info("etcd", "server", "go_version", "Which Go version server is running with. 1 for 'server_go_version' label with current version.", "server_go_version", runtime.Version())
	info("etcd", "server", "id", "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.", "server_id", idStr(s.id))
	// The cluster version is the release's: members of other versions do
	// not join (see /version).
	info("etcd", "cluster", "version", "Which version is running. 1 for 'cluster_version' label with current cluster version", "cluster_version", version.Cluster(version.Version))

	features := promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "etcd_server_feature_enabled", Help: "Whether or not a feature is enabled. 1 is enabled, 0 is not.",
	}, []string{"name", "stage"}))
	for _, f := range s.features() {
		features.WithLabelValues(f.name, f.stage).Set(b2f(f.enabled))
	}
	promreg.Register(reg, &knownPeers{s: s, desc: prometheus.NewDesc("etcd_network_known_peers", "The current number of known peers.", []string{"Local", "Remote"}, nil)})
	promreg.Register(reg, &activeAlarms{s: s, desc: prometheus.NewDesc("etcd_debugging_server_alarms",
		"Alarms for every member in cluster. 1 for 'server_id' label with current ID. 2 for 'alarm_type' label with type of this alarm",
		[]string{"server_id", "alarm_type"}, nil)})
}

// activeAlarms is etcd_debugging_server_alarms: 1 for every alarm raised,
// by member and type.
type activeAlarms struct {
	s    *EtcdServer
	desc *prometheus.Desc
}

func (a *activeAlarms) Describe(ch chan<- *prometheus.Desc) { ch <- a.desc }
func (a *activeAlarms) Collect(ch chan<- prometheus.Metric) {
	for _, am := range a.s.Alarms() {
		ch <- prometheus.MustNewConstMetric(a.desc, prometheus.GaugeValue, 1, idStr(am.MemberID), am.Alarm.String())
	}
}

// feature is one of etcd's feature gates as this server behaves.
type feature struct {
	name, stage string
	enabled     bool
}

// features lists etcd 3.7's feature gates (and its two "all" switches)
// with whether this server behaves as if the gate were on: lease
// checkpoints follow the configuration; the rest is etcd's default
// behaviour, which is ours.
func (s *EtcdServer) features() []feature {
	return []feature{
		{"AllAlpha", "ALPHA", false},
		{"AllBeta", "BETA", false},
		{"CompactHashCheck", "ALPHA", false},
		{"FastLeaseKeepAlive", "BETA", true},
		{"InitialCorruptCheck", "ALPHA", false},
		{"LeaseCheckpoint", "ALPHA", !s.cfg.DisableLeaseCheckpoint},
		{"LeaseCheckpointPersist", "ALPHA", false},
		{"PriorityRequest", "ALPHA", false},
		{"SetMemberLocalAddr", "ALPHA", false},
		{"StopGRPCServiceOnDefrag", "ALPHA", false},
		{"TxnModeWriteWithSharedBuffer", "BETA", true},
	}
}

// knownPeers is etcd_network_known_peers: 1 for every member of the
// cluster, this one included, as etcd reports it.
type knownPeers struct {
	s    *EtcdServer
	desc *prometheus.Desc
}

func (k *knownPeers) Describe(ch chan<- *prometheus.Desc) { ch <- k.desc }
func (k *knownPeers) Collect(ch chan<- prometheus.Metric) {
	local := idStr(k.s.id)
	for _, m := range k.s.members.Members() {
		ch <- prometheus.MustNewConstMetric(k.desc, prometheus.GaugeValue, 1, local, idStr(m.ID))
	}
}
