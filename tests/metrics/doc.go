// Package metrics compares our server's /metrics with real etcd's: the
// same small workload runs against a single member of each (refetcd), and
// both expositions must list the same metric families, with the same
// types, help texts, label names and histogram buckets, but for an
// explicit, commented list of etcd's families we do not have (features we
// lack). A few values are checked on both to move as the workload says.
//
//	go test ./tests/metrics/
//
// $ETCDGO_E2E_BIN and $ETCDGO_TEST_ETCD_BINARY name prebuilt binaries of
// ours and etcd's (see tests/framework/refetcd).
package metrics
