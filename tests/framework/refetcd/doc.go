// Package refetcd runs etcd clusters as separate processes for tests: it
// builds a server binary once per test process, starts N members on free
// loopback ports with fresh data directories, waits until they serve, and
// stops, kills or restarts members.
//
// By default the binary is tests/cmd/etcd-ref, the real etcd at the
// version pinned in tests/go.mod ($ETCDGO_TEST_ETCD_BINARY overrides it).
// Any binary that takes etcd's flags works (Options.Binary): that is how
// the same suites run against our own server.
//
// Servers lists the servers a suite runs against, each with the features
// it lacks: Ours (built from ./server, or $ETCDGO_E2E_BIN) and Etcd.
// $ETCDGO_TEST_SERVERS=ours (or etcd) narrows the list.
//
// The package imports neither etcd's nor our api packages, so test binaries
// of either side can use it.
package refetcd
