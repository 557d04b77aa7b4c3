// Package etcdctl holds the golden test of our etcdctl: it runs every
// command, in every output format it supports, against a fresh server, and
// compares stdout, stderr and the exit code with files recorded from etcd's
// own etcdctl v3.7 (tests/cmd/etcdctl-ref).
//
// Regenerate the goldens (runs etcd's etcdctl instead of ours):
//
//	go test ./tests/etcdctl -run TestGolden -update
//
// The server is a real etcd 3.7.3 (tests/cmd/etcd-ref) unless
// ETCDGO_TEST_SERVER=ours, which runs our server (./server) instead.
package etcdctl
