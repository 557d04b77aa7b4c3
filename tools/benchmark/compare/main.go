package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/etcdgo/etcd/tools/v3/benchmark/cmd"
	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

type options struct {
	quick     bool
	rounds    int
	sizes     []int
	only      string
	repo      string
	etcdBin   string
	oursBin   string
	keep      bool
	runTimout time.Duration
	// profile is the directory for pprof profiles of our server ("": none);
	// profileSeconds is the length of each CPU profile.
	profile        string
	profileSeconds int
}

func main() {
	var o options
	sizes := flag.String("sizes", "1,3", "cluster sizes to compare, comma separated")
	flag.BoolVar(&o.quick, "quick", false, "small totals and one round (~3 minutes)")
	flag.IntVar(&o.rounds, "rounds", 0, "runs of each server per workload (default 5, -quick 1)")
	flag.StringVar(&o.only, "only", "", "run only workloads whose name contains this")
	flag.StringVar(&o.repo, "repo", "", "repository root (default: the go.work above the working directory)")
	flag.StringVar(&o.etcdBin, "etcd-binary", "", "use this reference etcd binary instead of building v3.7.3")
	flag.StringVar(&o.oursBin, "ours-binary", "", "use this binary of ours instead of building bin/etcd")
	flag.BoolVar(&o.keep, "keep", false, "keep the scratch directory (logs, summaries)")
	flag.DurationVar(&o.runTimout, "run-timeout", 4*time.Minute, "limit of one benchmark run")
	flag.StringVar(&o.profile, "profile", "", "write pprof CPU and allocs profiles of our server's first run of each workload to this directory (outside the repository)")
	flag.IntVar(&o.profileSeconds, "profile-seconds", 10, "length of each CPU profile with -profile")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bad -sizes %q\n", *sizes)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.rounds <= 0 {
		o.rounds = 5
		if o.quick {
			o.rounds = 1
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := compare(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		stop()
		os.Exit(1)
	}
}

// server is one of the two implementations under comparison.
type server struct {
	name string
	bin  string
}

// sample is one run of one workload on one server.
type sample struct {
	stats report.Stats
	use   usage
	// failed counts requests that returned an error (the run went on).
	failed int
	err    error
}

func compare(ctx context.Context, o options, stdout, stderr io.Writer) error {
	start := time.Now()
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
	}
	scratch, err := os.MkdirTemp("", "etcd-compare-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("scratch directory: %s", scratch)
	} else {
		defer os.RemoveAll(scratch)
	}
	if o.repo == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if o.repo, err = repoRoot(wd); err != nil {
			return err
		}
	}
	var prof *profiler
	if o.profile != "" {
		dir, err := checkProfileDir(o.profile, o.repo)
		if err != nil {
			return err
		}
		prof = &profiler{dir: dir, seconds: o.profileSeconds, logf: logf}
		logf("profiles of our server go to %s", dir)
	}
	if o.oursBin == "" {
		if o.oursBin, err = buildOurs(ctx, o.repo, logf); err != nil {
			return err
		}
	}
	if o.etcdBin == "" {
		if o.etcdBin, err = buildReference(ctx, scratch, logf); err != nil {
			return err
		}
	}
	servers := []server{{"ours", o.oursBin}, {"etcd", o.etcdBin}}
	summaries, err := os.Create(filepath.Join(scratch, "summaries.txt"))
	if err != nil {
		return err
	}
	defer summaries.Close()

	var rows []row
	for _, size := range o.sizes {
		for _, w := range workloads {
			if o.only != "" && !strings.Contains(w.name, o.only) {
				continue
			}
			res := map[string][]sample{}
			for round := range o.rounds {
				for _, s := range servers {
					logf("%d-member %s: %s, round %d/%d", size, s.name, w.name, round+1, o.rounds)
					var p *profiler
					if round == 0 && s.name == "ours" {
						p = prof
					}
					smp := runOnce(ctx, o, s, size, w, scratch, summaries, p)
					if smp.err != nil {
						logf("  failed: %v", smp.err)
					} else {
						logf("  %.0f req/s, p99 %.1f ms, %d failed requests", smp.stats.RPS, 1000*smp.stats.Percentile(99), smp.failed)
					}
					res[s.name] = append(res[s.name], smp)
					if ctx.Err() != nil {
						return ctx.Err()
					}
				}
			}
			rows = append(rows, row{size: size, workload: w, ours: aggregate(res["ours"]), etcd: aggregate(res["etcd"]),
				wins: p99Wins(res["ours"], res["etcd"])})
		}
	}
	fmt.Fprintf(stdout, "\netcd-go vs etcd %s (%d round(s) each, interleaved; %s on %d CPUs; %s)\n\n",
		refVersion, o.rounds, mode(o.quick), numCPU(), time.Since(start).Round(time.Second))
	writeTable(stdout, rows)
	writeTargets(stdout, rows)
	fmt.Fprintln(stdout, "\nWorkloads (benchmark --endpoints=<members> ARGS):")
	for _, w := range workloads {
		if o.only == "" || strings.Contains(w.name, o.only) {
			fmt.Fprintf(stdout, "  %-30s %s\n", w.name, strings.Join(w.argv(o.quick), " "))
		}
	}
	if o.keep {
		fmt.Fprintf(stdout, "\nFull summaries: %s\n", summaries.Name())
	}
	return nil
}

func mode(quick bool) string {
	if quick {
		return "-quick"
	}
	return "full"
}

// runOnce starts a fresh cluster of s, runs w against it in process and
// stops the cluster. With prof, the members serve pprof and the leader is
// profiled during the run.
func runOnce(ctx context.Context, o options, s server, size int, w workload, scratch string, summaries io.Writer, prof *profiler) sample {
	dir, err := os.MkdirTemp(scratch, fmt.Sprintf("%s-%d-", s.name, size))
	if err != nil {
		return sample{err: err}
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	var extra []string
	if prof != nil {
		extra = append(extra, "--enable-pprof")
	}
	c, err := startCluster(ctx, s.bin, dir, size, extra...)
	if err != nil {
		return sample{err: err}
	}
	defer c.stop()
	rctx, cancel := context.WithTimeout(ctx, o.runTimout)
	defer cancel()
	if w.setup != nil {
		if err := w.setup(rctx, c.endpoints()); err != nil {
			return sample{err: fmt.Errorf("setup: %w", err)}
		}
	}
	var smp sample
	got := false
	fmt.Fprintf(summaries, "\n===== %s %d-member: %s\n", s.name, size, w.name)
	root := cmd.NewRootCommand(&cmd.Env{
		Stdout: summaries, Stderr: summaries, Stdin: strings.NewReader(""),
		OnReport: func(op string, st report.Stats) {
			if op == w.op {
				smp.stats, got = st, true
			}
		},
	})
	args := append([]string{"--endpoints=" + strings.Join(c.endpoints(), ",")}, w.argv(o.quick)...)
	root.SetArgs(args)
	var finishProfiles func() error
	if prof != nil {
		finishProfiles = prof.start(ctx, c, profileName(size, w.name))
	}
	err = root.ExecuteContext(rctx)
	if finishProfiles != nil {
		if perr := finishProfiles(); perr != nil {
			prof.logf("  profiles failed: %v", perr)
		}
	}
	if err != nil {
		return sample{err: err}
	}
	if !got {
		return sample{err: fmt.Errorf("no %q summary", w.op)}
	}
	smp.failed = smp.stats.Errors()
	if smp.use, err = c.measure(ctx); err != nil {
		smp.err = err
	}
	return smp
}

// result is a server's aggregate over rounds.
type result struct {
	rps, p99 float64 // median over successful rounds; p99 in seconds
	rss, db  int64   // max over rounds
	ok, runs int
	failed   int // failed requests over all rounds
	errs     map[string]int
	err      error
}

// aggregate sums up a server's rounds. Throughput and p99 are medians
// (with an even count, the mean of the middle two), so that one round
// disturbed by the machine does not move the table.
func aggregate(ss []sample) result {
	r := result{runs: len(ss)}
	var rps, p99 []float64
	for _, s := range ss {
		if s.err != nil {
			r.err = s.err
			continue
		}
		r.ok++
		r.failed += s.failed
		for msg, n := range s.stats.ErrorDist {
			if r.errs == nil {
				r.errs = map[string]int{}
			}
			r.errs[msg] += n
		}
		rps = append(rps, s.stats.RPS)
		p99 = append(p99, s.stats.Percentile(99))
		r.rss = max(r.rss, s.use.peakRSS)
		r.db = max(r.db, s.use.dbSize)
	}
	r.rps, r.p99 = median(rps), median(p99)
	return r
}

// pairs counts the rounds both servers completed (round i of one against
// round i of the other, run one after the other) and, of those, the
// rounds in which ours had the lower or equal p99: a comparison that a
// drift of the machine over the rounds does not skew, as it can skew two
// medians taken apart.
type pairs struct{ won, of int }

func p99Wins(ours, etcd []sample) pairs {
	var p pairs
	for i := range min(len(ours), len(etcd)) {
		if ours[i].err != nil || etcd[i].err != nil {
			continue
		}
		p.of++
		if ours[i].stats.Percentile(99) <= etcd[i].stats.Percentile(99) {
			p.won++
		}
	}
	return p
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
