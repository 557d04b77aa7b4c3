package embed

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/server/v3/etcdserver/compactor"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
)

// Defaults, as etcd's.
const (
	DefaultName                   = "default"
	DefaultMaxSnapshots           = 5
	DefaultMaxWALs                = 5
	DefaultMaxTxnOps              = uint(128)
	DefaultMaxRequestBytes        = 1.5 * 1024 * 1024
	DefaultSnapshotCount          = 10000
	DefaultTickMs                 = 100
	DefaultElectionMs             = 1000
	DefaultListenPeerURLs         = "http://localhost:2380"
	DefaultListenClientURLs       = "http://localhost:2379"
	DefaultInitialClusterToken    = "etcd-cluster"
	DefaultAutoCompactionMode     = compactor.ModePeriodic
	DefaultQuotaBackendBytes      = int64(2 * 1024 * 1024 * 1024)
	DefaultLogOutput              = "default"
	ClusterStateFlagNew           = "new"
	ClusterStateFlagExisting      = "existing"
	DefaultLogLevel               = "info"
	DefaultLogger                 = "zap"
	maxElectionMs                 = 50000
	DefaultSnapshotCatchUpEntries = 5000
)

// Config is the configuration of one member; its fields are the etcd
// command's flags.
type Config struct {
	Name   string
	Dir    string
	WalDir string

	SnapshotCount          uint64
	SnapshotCatchUpEntries uint64
	// MaxLearners is --max-learners (0: 1).
	MaxLearners int
	// MaxSnapFiles and MaxWalFiles are --max-snapshots and --max-wals.
	MaxSnapFiles, MaxWalFiles uint
	// WALSegmentSizeBytes overrides the WAL segment size (tests only).
	WALSegmentSizeBytes int64
	TickMs              uint
	ElectionMs          uint

	QuotaBackendBytes int64
	MaxTxnOps         uint
	MaxRequestBytes   uint

	ListenPeerUrls      []url.URL
	ListenClientUrls    []url.URL
	AdvertisePeerUrls   []url.URL
	AdvertiseClientUrls []url.URL

	ClusterState        string
	InitialCluster      string
	InitialClusterToken string

	AutoCompactionMode      string
	AutoCompactionRetention string

	Logger     string
	LogLevel   string
	LogOutputs []string
	// ZapLogger, when set, is used instead of building one from the log
	// fields.
	ZapLogger *zap.Logger

	// BackendBatchInterval and BackendBatchLimit tune backend commits.
	BackendBatchInterval time.Duration
	BackendBatchLimit    int
	// UnsafeNoFsync disables fsync (--unsafe-no-fsync): tests only.
	UnsafeNoFsync bool

	// WatchProgressNotifyInterval is --watch-progress-notify-interval
	// (0: 10 minutes).
	WatchProgressNotifyInterval time.Duration
	// LeaseCheckpointInterval is how often remaining lease TTLs are
	// checkpointed through raft (0: 5 minutes). Checkpoints are on unless
	// DisableLeaseCheckpoint is set (etcd has them off by default).
	LeaseCheckpointInterval time.Duration
	DisableLeaseCheckpoint  bool

	// EnablePprof is --enable-pprof: serve net/http/pprof under
	// /debug/pprof/ on the client URLs (also served at log level debug).
	EnablePprof bool
}

func mustURLs(s string) []url.URL {
	us, err := ParseURLs(s)
	if err != nil {
		panic(err)
	}
	return us
}

// ParseURLs reads a comma-separated list of URLs.
func ParseURLs(s string) ([]url.URL, error) {
	var out []url.URL
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		u, err := url.Parse(p)
		if err != nil {
			return nil, err
		}
		if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "unix" && u.Scheme != "unixs" {
			return nil, fmt.Errorf("URL scheme must be http, https, unix, or unixs: %s", p)
		}
		if u.Path != "" && u.Scheme != "unix" && u.Scheme != "unixs" {
			return nil, fmt.Errorf("URL must not contain a path: %s", p)
		}
		out = append(out, *u)
	}
	if len(out) == 0 {
		return nil, errors.New("no valid URLs given")
	}
	return out, nil
}

// NewConfig returns etcd's defaults: member "default", data in
// "default.etcd", clients on localhost:2379, peers on localhost:2380.
func NewConfig() *Config {
	cfg := &Config{
		Name:                    DefaultName,
		SnapshotCount:           DefaultSnapshotCount,
		SnapshotCatchUpEntries:  DefaultSnapshotCatchUpEntries,
		MaxSnapFiles:            DefaultMaxSnapshots,
		MaxWalFiles:             DefaultMaxWALs,
		TickMs:                  DefaultTickMs,
		ElectionMs:              DefaultElectionMs,
		MaxTxnOps:               DefaultMaxTxnOps,
		MaxRequestBytes:         DefaultMaxRequestBytes,
		ListenPeerUrls:          mustURLs(DefaultListenPeerURLs),
		ListenClientUrls:        mustURLs(DefaultListenClientURLs),
		AdvertisePeerUrls:       mustURLs(DefaultListenPeerURLs),
		AdvertiseClientUrls:     mustURLs(DefaultListenClientURLs),
		ClusterState:            ClusterStateFlagNew,
		InitialClusterToken:     DefaultInitialClusterToken,
		AutoCompactionMode:      DefaultAutoCompactionMode,
		AutoCompactionRetention: "0",
		Logger:                  DefaultLogger,
		LogLevel:                DefaultLogLevel,
		LogOutputs:              []string{DefaultLogOutput},
	}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	return cfg
}

// InitialClusterFromName is "name=advertised-peer-url,…".
func (cfg *Config) InitialClusterFromName(name string) string {
	if name == "" {
		name = DefaultName
	}
	var parts []string
	for _, u := range cfg.AdvertisePeerUrls {
		parts = append(parts, name+"="+u.String())
	}
	return strings.Join(parts, ",")
}

// DataDir is Dir, or "<name>.etcd" when empty.
func (cfg *Config) DataDir() string {
	if cfg.Dir == "" {
		return cfg.Name + ".etcd"
	}
	return cfg.Dir
}

// Validate checks the configuration before anything touches the disk.
func (cfg *Config) Validate() error {
	if len(cfg.ListenPeerUrls) == 0 {
		return errors.New("--listen-peer-urls must be set")
	}
	if len(cfg.ListenClientUrls) == 0 {
		return errors.New("--listen-client-urls must be set")
	}
	if len(cfg.AdvertiseClientUrls) == 0 {
		return errors.New("--advertise-client-urls is required when --listen-client-urls is set explicitly")
	}
	for _, u := range cfg.AdvertiseClientUrls {
		if isUnspecified(u) {
			return fmt.Errorf("advertise client URL %q must not be an unspecified address (0.0.0.0 or ::)", u.String())
		}
	}
	if 5*cfg.TickMs > cfg.ElectionMs {
		return fmt.Errorf("--election-timeout[%vms] should be at least as 5 times as --heartbeat-interval[%vms]", cfg.ElectionMs, cfg.TickMs)
	}
	if cfg.ElectionMs > maxElectionMs {
		return fmt.Errorf("--election-timeout[%vms] is too long, and should be set less than %vms", cfg.ElectionMs, maxElectionMs)
	}
	if cfg.TickMs == 0 {
		return errors.New("--heartbeat-interval must be positive")
	}
	if cfg.ClusterState != ClusterStateFlagNew && cfg.ClusterState != ClusterStateFlagExisting {
		return fmt.Errorf("unexpected clusterState %q", cfg.ClusterState)
	}
	switch cfg.AutoCompactionMode {
	case compactor.ModePeriodic, compactor.ModeRevision:
	default:
		return fmt.Errorf("unknown auto-compaction-mode %q", cfg.AutoCompactionMode)
	}
	if _, err := compactor.ParseRetention(cfg.AutoCompactionMode, cfg.AutoCompactionRetention); err != nil {
		return err
	}
	if cfg.Logger != "zap" {
		return fmt.Errorf("unknown logger option %q", cfg.Logger)
	}
	if _, err := parseLevel(cfg.LogLevel); err != nil {
		return err
	}
	ic, err := membership.ParseInitialCluster(cfg.InitialCluster)
	if err != nil {
		return err
	}
	if cfg.ClusterState == ClusterStateFlagNew {
		urls, ok := ic[cfg.Name]
		if !ok {
			return fmt.Errorf("couldn't find local name %q in the initial cluster configuration", cfg.Name)
		}
		var adv []string
		for _, u := range cfg.AdvertisePeerUrls {
			adv = append(adv, u.String())
		}
		sort.Strings(adv)
		got := append([]string(nil), urls...)
		sort.Strings(got)
		if strings.Join(adv, ",") != strings.Join(got, ",") {
			return fmt.Errorf("--initial-cluster has %s but missing from --initial-advertise-peer-urls=%s", strings.Join(got, ","), strings.Join(adv, ","))
		}
	}
	return nil
}

func isUnspecified(u url.URL) bool {
	h := u.Hostname()
	return h == "0.0.0.0" || h == "::"
}
