// Package client is the behaviour suite of the Go client
// (github.com/etcdgo/etcd/client/v3) against a running cluster.
//
// The cluster is a Target: by default real etcd (tests/cmd/etcd-ref) run as
// separate processes. Setting $ETCDGO_TEST_ETCD_BINARY to any binary that
// takes etcd's flags (for example our own server: go build -o /tmp/etcd
// ./server) runs the same suite against it:
//
//	ETCDGO_TEST_ETCD_BINARY=/tmp/etcd go test ./tests/client/...
//
// Another kind of cluster (in-process, say) plugs in by implementing
// Target and setting NewTarget.
//
// This package imports our client and api only: a test binary must never
// link both etcd's api packages and ours (they register the same protobuf
// names).
package client
