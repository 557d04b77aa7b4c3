package etcdserver

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Config is what the server core needs; embed fills it from its Config.
type Config struct {
	Name    string
	DataDir string
	// WalDir overrides DataDir/member/wal.
	WalDir string
	// PeerURLs are this member's advertised peer URLs.
	PeerURLs []string
	// ClientURLs are this member's advertised client URLs.
	ClientURLs []string
	// InitialCluster maps member names to peer URLs.
	InitialCluster map[string][]string
	// NewCluster is --initial-cluster-state=new.
	NewCluster   bool
	InitialToken string
	// MaxLearners bounds the learners in the cluster (0: etcd's default, 1).
	MaxLearners int
	// MaxSnapshots and MaxWALs are how many snapshot and WAL files are
	// kept (--max-snapshots, --max-wals; 0: all).
	MaxSnapshots, MaxWALs uint
	// WALSegmentSizeBytes overrides the WAL segment size (tests only; 0:
	// etcd's 64,000,000 bytes).
	WALSegmentSizeBytes int64

	SnapshotCount          uint64
	SnapshotCatchUpEntries uint64
	TickMs                 uint
	ElectionTicks          int
	MaxRequestBytes        uint
	MaxTxnOps              uint
	QuotaBackendBytes      int64
	// BackendBatchInterval and BackendBatchLimit tune backend commits
	// (0: backend defaults).
	BackendBatchInterval time.Duration
	BackendBatchLimit    int
	// UnsafeNoFsync skips fsync (tests only).
	UnsafeNoFsync bool
	// LeaseCheckpointInterval is how often the leader checkpoints remaining
	// lease TTLs through raft (0: 5 minutes); DisableLeaseCheckpoint turns
	// checkpoints off (etcd has them off unless its feature gate is set).
	LeaseCheckpointInterval time.Duration
	DisableLeaseCheckpoint  bool

	// Transport carries raft messages to peers (nil: single member).
	Transport Transport
	Logger    *zap.Logger
	// Registerer receives the server's prometheus metrics, with etcd's
	// names (nil: not exported).
	Registerer prometheus.Registerer
}

// DefaultSnapshotCatchUpEntries is how many entries stay in the raft log
// after a snapshot, as etcd's.
const DefaultSnapshotCatchUpEntries = 5000

func (c *Config) memberDir() string { return filepath.Join(c.DataDir, "member") }
func (c *Config) snapDir() string   { return filepath.Join(c.memberDir(), "snap") }
func (c *Config) backendPath() string {
	return filepath.Join(c.snapDir(), "db")
}
func (c *Config) walDir() string {
	if c.WalDir != "" {
		return c.WalDir
	}
	return filepath.Join(c.memberDir(), "wal")
}

// ReqTimeout is how long a request may wait for raft, as etcd's.
func (c *Config) ReqTimeout() time.Duration {
	return 5*time.Second + 2*time.Duration(c.ElectionTicks*int(c.TickMs))*time.Millisecond
}

func (c *Config) validate() error {
	if c.TickMs == 0 {
		return fmt.Errorf("etcdserver: tick must be positive")
	}
	if c.ElectionTicks < 2 {
		return fmt.Errorf("etcdserver: election ticks must be at least 2")
	}
	if len(c.PeerURLs) == 0 {
		return fmt.Errorf("etcdserver: no advertised peer URLs")
	}
	return nil
}

func idStr(id uint64) string { return fmt.Sprintf("%x", id) }
