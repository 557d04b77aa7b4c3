package etcdserver

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/etcdgo/etcd/server/v3/internal/promreg"
)

// walMetrics exports the WAL's timings (raftwal/wal.Metrics) as etcd's
// etcd_disk_wal_* metrics.
type walMetrics struct {
	fsync, write prometheus.Histogram
	bytes        prometheus.Gauge
}

func newWALMetrics(reg prometheus.Registerer) *walMetrics {
	histogram := func(name, help string) prometheus.Histogram {
		return promreg.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "etcd", Subsystem: "disk", Name: name, Help: help, Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}))
	}
	return &walMetrics{
		fsync: histogram("wal_fsync_duration_seconds", "The latency distributions of fsync called by WAL."),
		write: histogram("wal_write_duration_seconds", "The latency distributions of write called by WAL."),
		// A gauge, as etcd's.
		bytes: promreg.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "etcd", Subsystem: "disk", Name: "wal_write_bytes_total", Help: "Total number of bytes written in WAL.",
		})),
	}
}

func (m *walMetrics) Written(took time.Duration, n int) {
	m.write.Observe(took.Seconds())
	m.bytes.Add(float64(n))
}

func (m *walMetrics) Synced(took time.Duration) { m.fsync.Observe(took.Seconds()) }

// snapMetrics exports the snapshot files' timings (raftwal/snap.Metrics)
// as etcd's etcd_snap_* and etcd_debugging_snap_* metrics.
type snapMetrics struct {
	marshal, fsync, save prometheus.Histogram
	dbFsync, dbSave      prometheus.Histogram
}

func newSnapMetrics(reg prometheus.Registerer) *snapMetrics {
	histogram := func(ns, subsystem, name, help string, buckets []float64) prometheus.Histogram {
		return promreg.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: subsystem, Name: name, Help: help, Buckets: buckets,
		}))
	}
	ms := prometheus.ExponentialBuckets(0.001, 2, 14)
	return &snapMetrics{
		marshal: histogram("etcd_debugging", "snap", "save_marshalling_duration_seconds", "The marshalling cost distributions of save called by snapshot.", ms),
		save:    histogram("etcd_debugging", "snap", "save_total_duration_seconds", "The total latency distributions of save called by snapshot.", ms),
		fsync:   histogram("etcd", "snap", "fsync_duration_seconds", "The latency distributions of fsync called by snap.", ms),
		dbSave:  histogram("etcd", "snap_db", "save_total_duration_seconds", "The total latency distributions of v3 snapshot save", prometheus.ExponentialBuckets(0.1, 2, 10)),
		dbFsync: histogram("etcd", "snap_db", "fsync_duration_seconds", "The latency distributions of fsyncing .snap.db file", ms),
	}
}

func (m *snapMetrics) SnapMarshalled(took time.Duration) { m.marshal.Observe(took.Seconds()) }
func (m *snapMetrics) SnapFsynced(took time.Duration)    { m.fsync.Observe(took.Seconds()) }
func (m *snapMetrics) SnapSaved(took time.Duration)      { m.save.Observe(took.Seconds()) }
func (m *snapMetrics) DBFsynced(took time.Duration)      { m.dbFsync.Observe(took.Seconds()) }
func (m *snapMetrics) DBSaved(took time.Duration)        { m.dbSave.Observe(took.Seconds()) }
