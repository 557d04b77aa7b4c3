// Command compare runs the same benchmark workloads against our etcd and
// against a reference etcd v3.7.3 and prints one table of both.
//
// It builds the reference server in a scratch directory outside the
// repository (a main over go.etcd.io/etcd/server/v3/etcdmain with its own
// go.mod, built with GOWORK=off from the module proxy), builds our bin/etcd
// from the repository, and then, for a 1-member and a 3-member loopback
// cluster, runs each workload against ours and etcd in turn (A B A B …),
// each run on fresh data directories with the same flags and fsync on. The
// load generator is tools/benchmark/cmd, in process, so the same code with
// the same flags drives both servers.
//
// Per workload and cluster size the table gives requests/s of both and
// their ratio, p99 latency of both (each the median of the rounds: 5 by
// default, -rounds N), in how many of the round pairs (ours, then etcd)
// ours had the lower p99, the peak RSS (VmHWM of the largest member) of
// both, and the database size of both. Under the table it says whether every
// row meets the performance issue's targets (ratio at least 1.0, 1.3 for
// the 256-client put; p99 and peak RSS no more than etcd's) and lists the
// misses.
//
//	go run ./tools/benchmark/compare          # ~11.5 minutes on 2 cores
//	go run ./tools/benchmark/compare -quick   # ~3 minutes
//	go run ./tools/benchmark/compare -quick -profile /tmp/etcd-profiles
//
// With -profile DIR (a directory outside the repository; none by default)
// our server's first run of each workload is started with --enable-pprof,
// and two profiles of its leader are written to DIR, named after the
// cluster size and the workload ("3m-put-16x256-val-256"): NAME.cpu.pprof,
// a CPU profile of the first -profile-seconds (10) of the run, and
// NAME.allocs.pprof, every allocation since the member started, taken when
// the run ends. Read them with `go tool pprof -top DIR/NAME.cpu.pprof` or
// `go tool pprof -sample_index=alloc_space -top DIR/NAME.allocs.pprof`.
// Profiling costs the profiled run a few per cent; the other rounds run
// without it.
//
// It is a measuring tool, not a test: nothing in the CI test command runs
// it.
package main
