// Package refetcd runs etcd clusters as separate processes for tests: it
// builds a server binary once per test process, starts N members on free
// loopback ports with fresh data directories, waits until they serve, and
// stops, kills or restarts members.
//
// By default the binary is tests/cmd/etcd-ref, the real etcd at the
// version pinned in tests/go.mod. Any binary that takes etcd's flags works
// (Options.Binary, or $ETCDGO_TEST_ETCD_BINARY): that is how the same
// suites run against our own server.
//
// The package imports neither etcd's nor our api packages, so test binaries
// of either side can use it.
package refetcd
