package rafthttp

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/etcdgo/etcd/server/v3/internal/promreg"
)

// Metrics are the peer traffic metrics, with etcd's names, help texts,
// labels and buckets (etcd_network_peer_*, etcd_network_snapshot_*,
// active and disconnected peers). Peers are labelled by their member ID in
// hexadecimal, as in etcd.
type Metrics struct {
	activePeers                       *prometheus.GaugeVec
	disconnects                       *prometheus.CounterVec
	sentBytes, receivedBytes          *prometheus.CounterVec
	sentFailures, receivedFailures    *prometheus.CounterVec
	snapSent, snapSendFailures        *prometheus.CounterVec
	snapSendInflight                  *prometheus.GaugeVec
	snapSendSec                       *prometheus.HistogramVec
	snapReceived, snapReceiveFailures *prometheus.CounterVec
	snapReceiveInflight               *prometheus.GaugeVec
	snapReceiveSec                    *prometheus.HistogramVec
	rttSec                            *prometheus.HistogramVec
}

// NewMetrics creates the metrics and registers them on reg (nil: not
// registered). Collectors already registered on reg are reused.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string, label ...string) *prometheus.CounterVec {
		return promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "etcd", Subsystem: "network", Name: name, Help: help}, label))
	}
	gauge := func(name, help string, label ...string) *prometheus.GaugeVec {
		return promreg.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "etcd", Subsystem: "network", Name: name, Help: help}, label))
	}
	histogram := func(name, help string, buckets []float64, label ...string) *prometheus.HistogramVec {
		return promreg.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "etcd", Subsystem: "network", Name: name, Help: help, Buckets: buckets}, label))
	}
	return &Metrics{
		activePeers:         gauge("active_peers", "The current number of active peer connections.", "Local", "Remote"),
		disconnects:         counter("disconnected_peers_total", "The total number of disconnected peers.", "Local", "Remote"),
		sentBytes:           counter("peer_sent_bytes_total", "The total number of bytes sent to peers.", "To"),
		receivedBytes:       counter("peer_received_bytes_total", "The total number of bytes received from peers.", "From"),
		sentFailures:        counter("peer_sent_failures_total", "The total number of send failures from peers.", "To"),
		receivedFailures:    counter("peer_received_failures_total", "The total number of receive failures from peers.", "From"),
		snapSent:            counter("snapshot_send_success", "Total number of successful snapshot sends", "To"),
		snapSendInflight:    gauge("snapshot_send_inflights_total", "Total number of inflight snapshot sends", "To"),
		snapSendFailures:    counter("snapshot_send_failures", "Total number of snapshot send failures", "To"),
		snapSendSec:         histogram("snapshot_send_total_duration_seconds", "Total latency distributions of v3 snapshot sends", prometheus.ExponentialBuckets(0.1, 2, 10), "To"),
		snapReceived:        counter("snapshot_receive_success", "Total number of successful snapshot receives", "From"),
		snapReceiveInflight: gauge("snapshot_receive_inflights_total", "Total number of inflight snapshot receives", "From"),
		snapReceiveFailures: counter("snapshot_receive_failures", "Total number of snapshot receive failures", "From"),
		snapReceiveSec:      histogram("snapshot_receive_total_duration_seconds", "Total latency distributions of v3 snapshot receives", prometheus.ExponentialBuckets(0.1, 2, 10), "From"),
		rttSec:              histogram("peer_round_trip_time_seconds", "Round-Trip-Time histogram between peers", prometheus.ExponentialBuckets(0.0001, 2, 16), "To"),
	}
}

// peerMetrics are one peer's metrics. The bytes sent, counted on every
// write, are resolved when the peer is added; the rest only when they
// first happen, so that (as in etcd) a series shows once it has a value.
type peerMetrics struct {
	m             *Metrics
	local, remote string
	sentBytes     prometheus.Counter
}

func (m *Metrics) peer(local, remote uint64) *peerMetrics {
	r := idStr(remote)
	return &peerMetrics{m: m, local: idStr(local), remote: r, sentBytes: m.sentBytes.WithLabelValues(r)}
}

func (p *peerMetrics) setActive(active bool) {
	g := p.m.activePeers.WithLabelValues(p.local, p.remote)
	if active {
		g.Set(1)
		return
	}
	g.Set(0)
	p.m.disconnects.WithLabelValues(p.local, p.remote).Inc()
}

func (p *peerMetrics) sendFailed() { p.m.sentFailures.WithLabelValues(p.remote).Inc() }
func (p *peerMetrics) roundTrip(d time.Duration) {
	p.m.rttSec.WithLabelValues(p.remote).Observe(d.Seconds())
}

// sendingSnapshot runs send, which sends a snapshot to peer id, and counts
// it.
func (m *Metrics) sendingSnapshot(id uint64, send func() error) error {
	to := idStr(id)
	m.snapSendInflight.WithLabelValues(to).Inc()
	defer m.snapSendInflight.WithLabelValues(to).Dec()
	start := time.Now()
	err := send()
	if err != nil {
		m.snapSendFailures.WithLabelValues(to).Inc()
		return err
	}
	m.snapSent.WithLabelValues(to).Inc()
	m.snapSendSec.WithLabelValues(to).Observe(time.Since(start).Seconds())
	return nil
}

// receivingSnapshot counts a snapshot being received from peer id; the
// function returned counts its outcome, *ok once the receive is done.
func (m *Metrics) receivingSnapshot(id uint64) func(ok *bool) {
	from, start := idStr(id), time.Now()
	m.snapReceiveInflight.WithLabelValues(from).Inc()
	return func(ok *bool) {
		m.snapReceiveInflight.WithLabelValues(from).Dec()
		if *ok {
			m.snapReceived.WithLabelValues(from).Inc()
			m.snapReceiveSec.WithLabelValues(from).Observe(time.Since(start).Seconds())
			return
		}
		m.snapReceiveFailures.WithLabelValues(from).Inc()
		m.receivedFailures.WithLabelValues(from).Inc()
	}
}
