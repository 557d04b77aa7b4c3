// Package etcdctl holds the golden test of our etcdctl: it runs every
// command, in every output format it supports, against a fresh server, and
// compares stdout, stderr and the exit code with files recorded from etcd's
// own etcdctl v3.7 (tests/cmd/etcdctl-ref).
//
// Regenerate the goldens (runs etcd's etcdctl instead of ours):
//
//	go test ./tests/etcdctl -run TestGolden -update
//
// The steps run against both a real etcd 3.7.3 (tests/cmd/etcd-ref) and
// our server (./server); ETCDGO_TEST_SERVER=etcd or ours picks one.
package etcdctl
