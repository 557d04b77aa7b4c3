package wal

import (
	"time"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

// DefaultSegmentSizeBytes is the preallocated size of a segment, etcd's
// SegmentSizeBytes (64 MB, decimal).
const DefaultSegmentSizeBytes int64 = 64 * 1000 * 1000

// Config carries what a WAL needs from its owner. The zero value is usable.
type Config struct {
	// Logger receives warnings and progress; nil logs nothing.
	Logger *zap.Logger
	// FS is the file system; nil is the real one.
	FS fileutil.FS
	// SegmentSizeBytes is the size at which a segment is cut and to which
	// new segments are preallocated; 0 means DefaultSegmentSizeBytes.
	SegmentSizeBytes int64
	// UnsafeNoFsync skips fsync, as etcd's --unsafe-no-fsync does.
	UnsafeNoFsync bool
	// Metrics receives the timings of writes and syncs; nil drops them.
	Metrics Metrics
}

// Metrics receives the WAL's disk timings (the server exports them as
// etcd's etcd_disk_wal_* metrics). Its methods are called with the WAL's
// lock held and must be quick.
type Metrics interface {
	// Written reports one write of buffered records to the tail segment:
	// how long it took and how many bytes it wrote.
	Written(took time.Duration, bytes int)
	// Synced reports one fdatasync of the tail segment.
	Synced(took time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) Written(time.Duration, int) {}
func (nopMetrics) Synced(time.Duration)       {}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	c.FS = fileutil.OrOS(c.FS)
	if c.Metrics == nil {
		c.Metrics = nopMetrics{}
	}
	if c.SegmentSizeBytes <= 0 {
		c.SegmentSizeBytes = DefaultSegmentSizeBytes
	}
	return c
}
