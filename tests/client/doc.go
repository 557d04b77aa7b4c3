// Package client is the behaviour suite of the Go client
// (github.com/etcdgo/etcd/client/v3) against running clusters.
//
// Every test runs once per server, as subtests named after it: "ours"
// (our server, built once per test process from ./server, or
// $ETCDGO_E2E_BIN) and "etcd" (real etcd, tests/cmd/etcd-ref, or
// $ETCDGO_TEST_ETCD_BINARY), each member a separate process. Clusters of
// one and of three members are shared by the tests of a server.
// $ETCDGO_TEST_SERVERS=ours (or etcd) runs against one server only:
//
//	go test ./tests/client/                                # both
//	go test ./tests/client/ -run 'TestWatch.*/ours'        # ours only
//	ETCDGO_TEST_SERVERS=etcd go test ./tests/client/       # etcd only
//
// A test needing a feature our server lacks yet (refetcd.Ours.Missing,
// today Auth) skips on our server only, saying
// which; against etcd everything runs. Known server bugs skip a test on
// that server (serverBugs in main_test.go) with "server bug: …".
//
// tests/clientetcd is this suite compiled against etcd's client
// (go.etcd.io/etcd/client/v3), generated from these files: edit here and
// run go generate ./tests/clientetcd. A file whose header holds the line
// //clientetcd:exclude is not copied; etcdClient (flavor_test.go) is true
// in the copy.
//
// Another kind of cluster (in-process, say) plugs in by implementing
// Target and setting NewTarget.
//
// This package imports our client and api only: a test binary must never
// link both etcd's api packages and ours (they register the same protobuf
// names).
package client
