package etcdmain

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/etcdgo/etcd/server/v3/embed"
)

// flagValues holds the raw flag values.
type flagValues struct {
	name, dataDir, walDir                                    string
	listenClient, advertiseClient, listenPeer, advertisePeer string
	initialCluster, initialClusterState, initialClusterToken string
	snapshotCount                                            uint64
	heartbeat, election                                      uint
	quotaBackendBytes                                        int64
	maxRequestBytes, maxTxnOps                               uint
	autoCompactionMode, autoCompactionRetention              string
	logLevel, logger                                         string
	logOutputs                                               []string
	configFile                                               string
	printVersion                                             bool
	unsafeNoFsync                                            bool
	backendBatchInterval                                     time.Duration
	backendBatchLimit                                        int
	maxSnapshots, maxWALs                                    uint
	watchProgressNotifyInterval                              time.Duration
	leaseCheckpointInterval                                  time.Duration
	disableLeaseCheckpoint                                   bool
	snapshotCatchUpEntries                                   uint64
	maxLearners                                              int
	enablePprof                                              bool
}

func addFlags(fs *pflag.FlagSet, v *flagValues) {
	d := embed.NewConfig()
	fs.StringVar(&v.name, "name", d.Name, "Human-readable name for this member.")
	fs.StringVar(&v.dataDir, "data-dir", "", "Path to the data directory.")
	fs.StringVar(&v.walDir, "wal-dir", "", "Path to the dedicated wal directory.")
	fs.Uint64Var(&v.snapshotCount, "snapshot-count", d.SnapshotCount, "Number of committed transactions to trigger a snapshot to disk.")
	fs.Uint64Var(&v.snapshotCatchUpEntries, "snapshot-catchup-entries", d.SnapshotCatchUpEntries, "Number of entries for a slow follower to catch up after compacting the raft storage entries.")
	fs.IntVar(&v.maxLearners, "max-learners", 1, "Sets the maximum number of learners that can be available in the cluster membership.")
	fs.UintVar(&v.heartbeat, "heartbeat-interval", d.TickMs, "Time (in milliseconds) of a heartbeat interval.")
	fs.UintVar(&v.election, "election-timeout", d.ElectionMs, "Time (in milliseconds) for an election to timeout.")
	fs.Int64Var(&v.quotaBackendBytes, "quota-backend-bytes", 0, "Raise alarms when backend size exceeds the given quota. 0 means use the default quota.")
	fs.UintVar(&v.maxRequestBytes, "max-request-bytes", d.MaxRequestBytes, "Maximum client request size in bytes the server will accept.")
	fs.UintVar(&v.maxTxnOps, "max-txn-ops", d.MaxTxnOps, "Maximum number of operations permitted in a transaction.")
	fs.StringVar(&v.listenPeer, "listen-peer-urls", embed.DefaultListenPeerURLs, "List of URLs to listen on for peer traffic.")
	fs.StringVar(&v.listenClient, "listen-client-urls", embed.DefaultListenClientURLs, "List of URLs to listen on for client grpc traffic and http as long as --listen-client-http-urls is not specified.")
	fs.StringVar(&v.advertisePeer, "initial-advertise-peer-urls", embed.DefaultListenPeerURLs, "List of this member's peer URLs to advertise to the rest of the cluster.")
	fs.StringVar(&v.advertiseClient, "advertise-client-urls", embed.DefaultListenClientURLs, "List of this member's client URLs to advertise to the public.")
	fs.StringVar(&v.initialCluster, "initial-cluster", d.InitialCluster, "Initial cluster configuration for bootstrapping.")
	fs.StringVar(&v.initialClusterState, "initial-cluster-state", embed.ClusterStateFlagNew, "Initial cluster state ('new' or 'existing').")
	fs.StringVar(&v.initialClusterToken, "initial-cluster-token", embed.DefaultInitialClusterToken, "Initial cluster token for the etcd cluster during bootstrap.")
	fs.StringVar(&v.autoCompactionMode, "auto-compaction-mode", embed.DefaultAutoCompactionMode, "Interpret 'auto-compaction-retention' one of: periodic|revision.")
	fs.StringVar(&v.autoCompactionRetention, "auto-compaction-retention", "0", "Auto compaction retention for mvcc key value store. 0 means disable auto compaction.")
	fs.StringVar(&v.logLevel, "log-level", embed.DefaultLogLevel, "Configures log level. Only supports debug, info, warn, error, panic, or fatal.")
	fs.StringVar(&v.logger, "logger", embed.DefaultLogger, "Currently only supports 'zap' for structured logging.")
	fs.StringSliceVar(&v.logOutputs, "log-outputs", []string{embed.DefaultLogOutput}, "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, or list of comma separated output targets.")
	fs.StringVar(&v.configFile, "config-file", "", "Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.")
	fs.BoolVar(&v.printVersion, "version", false, "Print the version and exit.")
	fs.BoolVar(&v.unsafeNoFsync, "unsafe-no-fsync", false, "Disables fsync, unsafe, will cause data loss.")
	fs.DurationVar(&v.backendBatchInterval, "backend-batch-interval", 0, "BackendBatchInterval is the maximum time before commit the backend transaction.")
	fs.IntVar(&v.backendBatchLimit, "backend-batch-limit", 0, "BackendBatchLimit is the maximum operations before commit the backend transaction.")
	fs.UintVar(&v.maxSnapshots, "max-snapshots", embed.DefaultMaxSnapshots, "Maximum number of snapshot files to retain (0 is unlimited).")
	fs.UintVar(&v.maxWALs, "max-wals", embed.DefaultMaxWALs, "Maximum number of wal files to retain (0 is unlimited).")
	addLeaseWatchFlags(fs, v)
	fs.BoolVar(&v.enablePprof, "enable-pprof", false, "Enable runtime profiling data via HTTP server. Address is at client URL + \"/debug/pprof/\"")
}

// flagToEnv is etcd's ETCD_ + upper-cased flag name with '-' as '_'.
func flagToEnv(name string) string {
	return "ETCD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// setFromEnv sets every flag not given on the command line from its
// ETCD_* variable; unknown ETCD_* variables and shadowed ones are warned
// about, not fatal.
func setFromEnv(fs *pflag.FlagSet, warn func(string)) error {
	known := map[string]bool{}
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		key := flagToEnv(f.Name)
		known[key] = true
		val, ok := os.LookupEnv(key)
		if !ok || val == "" || err != nil {
			return
		}
		if f.Changed {
			warn(fmt.Sprintf("recognized environment variable %s, but unused: shadowed by corresponding flag", key))
			return
		}
		if serr := fs.Set(f.Name, val); serr != nil {
			err = fmt.Errorf("invalid value %q for %s: %v", val, key, serr)
		}
	})
	if err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "ETCD_") && !known[k] && !ignoredEnv[k] {
			warn(fmt.Sprintf("unrecognized environment variable %s", kv))
		}
	}
	return nil
}

// ignoredEnv are ETCD_* variables used by tools, not by the server.
var ignoredEnv = map[string]bool{"ETCD_UNSUPPORTED_ARCH": true}

// setFromFile sets flags from etcd's YAML configuration file, whose keys
// are the flag names; lists may be YAML lists.
func setFromFile(fs *pflag.FlagSet, path string) error {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return fmt.Errorf("cannot load config file %s: %w", path, err)
	}
	for _, key := range v.AllKeys() {
		f := fs.Lookup(key)
		if f == nil || key == "config-file" {
			continue
		}
		var val string
		switch x := v.Get(key).(type) {
		case []any:
			parts := make([]string, len(x))
			for i, p := range x {
				parts[i] = fmt.Sprint(p)
			}
			val = strings.Join(parts, ",")
		case nil:
			continue
		default:
			val = fmt.Sprint(x)
		}
		if err := fs.Set(key, val); err != nil {
			return fmt.Errorf("invalid value %q for %s in config file: %v", val, key, err)
		}
	}
	return nil
}

// toEmbed validates the flag values and builds the embed configuration.
func toEmbed(fs *pflag.FlagSet, v *flagValues) (*embed.Config, error) {
	cfg := embed.NewConfig()
	cfg.Name = v.name
	cfg.Dir = v.dataDir
	cfg.WalDir = v.walDir
	cfg.SnapshotCount = v.snapshotCount
	cfg.SnapshotCatchUpEntries = v.snapshotCatchUpEntries
	cfg.MaxLearners = v.maxLearners
	cfg.MaxSnapFiles, cfg.MaxWalFiles = v.maxSnapshots, v.maxWALs
	cfg.TickMs = v.heartbeat
	cfg.ElectionMs = v.election
	cfg.QuotaBackendBytes = v.quotaBackendBytes
	cfg.MaxRequestBytes = v.maxRequestBytes
	cfg.MaxTxnOps = v.maxTxnOps
	cfg.ClusterState = v.initialClusterState
	cfg.InitialClusterToken = v.initialClusterToken
	cfg.AutoCompactionMode = v.autoCompactionMode
	cfg.AutoCompactionRetention = v.autoCompactionRetention
	cfg.LogLevel = v.logLevel
	cfg.Logger = v.logger
	cfg.LogOutputs = v.logOutputs
	cfg.UnsafeNoFsync = v.unsafeNoFsync
	cfg.BackendBatchInterval = v.backendBatchInterval
	cfg.BackendBatchLimit = v.backendBatchLimit
	cfg.WatchProgressNotifyInterval = v.watchProgressNotifyInterval
	cfg.LeaseCheckpointInterval = v.leaseCheckpointInterval
	cfg.DisableLeaseCheckpoint = v.disableLeaseCheckpoint
	cfg.EnablePprof = v.enablePprof
	urls := []struct {
		flag string
		val  string
		dst  *[]url.URL
	}{
		{"listen-peer-urls", v.listenPeer, &cfg.ListenPeerUrls},
		{"listen-client-urls", v.listenClient, &cfg.ListenClientUrls},
		{"initial-advertise-peer-urls", v.advertisePeer, &cfg.AdvertisePeerUrls},
		{"advertise-client-urls", v.advertiseClient, &cfg.AdvertiseClientUrls},
	}
	for _, u := range urls {
		us, err := embed.ParseURLs(u.val)
		if err != nil {
			return nil, fmt.Errorf("invalid value %q for flag -%s: %v", u.val, u.flag, err)
		}
		*u.dst = us
	}
	if fs.Changed("listen-client-urls") && !fs.Changed("advertise-client-urls") {
		return nil, errors.New("--advertise-client-urls is required when --listen-client-urls is set explicitly")
	}
	if fs.Changed("initial-cluster") {
		cfg.InitialCluster = v.initialCluster
	} else {
		cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}
