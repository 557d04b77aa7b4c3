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
// their ratio, p99 latency of both, the peak RSS (VmHWM of the largest
// member) of both, and the database size of both.
//
//	go run ./tools/benchmark/compare          # ~15 minutes on 2 cores
//	go run ./tools/benchmark/compare -quick   # ~3 minutes
//
// It is a measuring tool, not a test: nothing in the CI test command runs
// it.
package main
