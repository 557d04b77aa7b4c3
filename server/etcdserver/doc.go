// Package etcdserver is the server core: a raft loop (raftNode) that
// persists to the WAL before sending and hands committed entries to an
// apply loop (applyLoop), which applies them through package apply and
// answers the waiting RPCs; a snapshotter that snapshots the backend every
// SnapshotCount entries and compacts the raft log; a linearizer that batches
// ReadIndex requests for linearizable reads. EtcdServer only wires these
// together and exposes the KV and maintenance operations to v3rpc.
//
// metrics*.go are etcd's server metrics (etcd_server_*, the WAL's and the
// snapshot files' etcd_disk_* / etcd_snap_*, os_fd_*), registered on
// Config.Registerer together with those of the backend, mvcc, leases and
// the peer transport; children used on hot paths are resolved once.
package etcdserver
