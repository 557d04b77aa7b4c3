package cmd

import (
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

// Env is what a command tree writes to and reports to.
type Env struct {
	// Stdout receives the summaries; Stderr warnings and the progress bar.
	Stdout, Stderr io.Writer
	// Stdin is read for a --user password that the flag does not carry.
	Stdin io.Reader
	// Progress shows a progress bar on Stderr (set it for terminals only).
	Progress bool
	// OnReport, when set, receives every summary printed, with the name of
	// the benchmark operation ("put", "range", "watch-put", …).
	OnReport func(op string, s report.Stats)
}

// globals are the root command's persistent flags, etcd's names and
// defaults.
type globals struct {
	env *Env

	endpoints        []string
	conns            uint
	clients          uint
	precise          bool
	sample           bool
	cert, key        string
	cacert           string
	user             string
	dialTimeout      time.Duration
	targetLeader     bool
	autoSyncInterval time.Duration
}

// NewRootCommand returns the benchmark command tree. A nil env writes to
// the process's standard streams without a progress bar.
func NewRootCommand(env *Env) *cobra.Command {
	if env == nil {
		env = &Env{}
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	g := &globals{env: env}
	root := &cobra.Command{
		Use:   "benchmark",
		Short: "A low-level benchmark tool for etcd3",
		Long: `benchmark is a low-level benchmark tool for etcd3.
It uses the etcd client library (client/v3) to load a cluster and prints a
latency summary for each workload.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	pf := root.PersistentFlags()
	pf.StringSliceVar(&g.endpoints, "endpoints", []string{"127.0.0.1:2379"}, "gRPC endpoints")
	pf.UintVar(&g.conns, "conns", 1, "Total number of gRPC connections")
	pf.UintVar(&g.clients, "clients", 1, "Total number of gRPC clients")
	pf.BoolVar(&g.precise, "precise", false, "use full floating point precision")
	pf.BoolVar(&g.sample, "sample", false, "'true' to sample requests for every second")
	pf.StringVar(&g.cert, "cert", "", "identify HTTPS client using this SSL certificate file")
	pf.StringVar(&g.key, "key", "", "identify HTTPS client using this SSL key file")
	pf.StringVar(&g.cacert, "cacert", "", "verify certificates of HTTPS-enabled servers using this CA bundle")
	pf.StringVar(&g.user, "user", "", "provide username[:password] and prompt if password is not supplied.")
	pf.DurationVar(&g.dialTimeout, "dial-timeout", 0, "dial timeout for client connections")
	pf.BoolVar(&g.targetLeader, "target-leader", false, "connect only to the leader node")
	pf.DurationVar(&g.autoSyncInterval, "auto-sync-interval", 0, "AutoSyncInterval is the interval to update endpoints with its latest members")

	root.AddCommand(
		newPutCommand(g),
		newRangeCommand(g),
		newTxnPutCommand(g),
		newTxnMixedCommand(g),
		newWatchCommand(g),
		newWatchLatencyCommand(g),
		newWatchGetCommand(g),
		newLeaseKeepaliveCommand(g),
		newSTMCommand(g),
	)
	return root
}

// precision is the fmt verb of printed seconds.
func (g *globals) precision() string {
	if g.precise {
		return report.PrecisePrecision
	}
	return report.DefaultPrecision
}

// newReport starts a report for one benchmark operation.
func (g *globals) newReport() *report.Report {
	return report.New(report.Options{Sample: g.sample, Buffer: int(max(16, g.clients))})
}

// printReport prints a summary after an optional heading and hands its
// Stats to Env.OnReport.
func (g *globals) printReport(op, heading string, s report.Stats) {
	io.WriteString(g.env.Stdout, heading+report.Format(s, g.precision())+"\n")
	if g.env.OnReport != nil {
		g.env.OnReport(op, s)
	}
}
