// Package main is benchmark, a load generator for etcd v3 clusters.
//
// It has etcd's benchmark subcommands and flags (put, range, txn-put,
// txn-mixed, watch, watch-latency, watch-get, lease-keepalive, stm; global
// --endpoints, --conns, --clients, --precise, --sample, --dial-timeout,
// --user, --cert/--key/--cacert, --target-leader) and prints etcd's
// summary, so results from either tool read the same:
//
//	go run ./tools/benchmark --endpoints=127.0.0.1:2379 --conns=16 --clients=256 \
//	    put --total=100000 --val-size=256 --key-space-size=100000
//
// The commands live in tools/benchmark/cmd, the summary in
// tools/benchmark/report; tools/benchmark/compare runs the same workloads
// against our server and a reference etcd and tabulates both.
//
// BENCHMARK_CPUPROFILE=FILE writes a CPU profile of the load generator
// itself to FILE, to see what the client side of a workload costs (the
// same client for both servers in a comparison).
package main
