package etcdmain

import (
	"time"

	"github.com/spf13/pflag"
)

// addLeaseWatchFlags adds the watch and lease flags. The watch interval
// has etcd 3.6+'s name and its older experimental alias; the lease
// checkpoint interval keeps etcd 3.5's experimental name (etcd 3.7 has no
// flag for it). Checkpoints are on by default here.
func addLeaseWatchFlags(fs *pflag.FlagSet, v *flagValues) {
	fs.DurationVar(&v.watchProgressNotifyInterval, "watch-progress-notify-interval", 10*time.Minute, "Duration of periodic watch progress notifications.")
	fs.DurationVar(&v.watchProgressNotifyInterval, "experimental-watch-progress-notify-interval", 10*time.Minute, "Duration of periodic watch progress notifications. Deprecated: use --watch-progress-notify-interval.")
	_ = fs.MarkHidden("experimental-watch-progress-notify-interval")
	fs.DurationVar(&v.leaseCheckpointInterval, "experimental-lease-checkpoint-interval", 5*time.Minute, "Duration of periodic lease checkpoints of remaining TTLs.")
	fs.BoolVar(&v.disableLeaseCheckpoint, "experimental-disable-lease-checkpoint", false, "Do not checkpoint remaining lease TTLs through raft (etcd's default).")
}
