// Package cmd holds the commands of the benchmark tool: the same
// subcommands, flags and printed summaries as etcd's tools/benchmark
// (put, range, txn-put, txn-mixed, watch, watch-latency, watch-get,
// lease-keepalive, stm), driving a cluster through our client/v3.
//
// NewRootCommand builds a fresh command tree for each run: flag values live
// in per-command option structs, never in package variables, so a program
// (tools/benchmark/compare) can run many benchmarks in one process and
// receive each summary's Stats through Env.OnReport.
package cmd
