// Package lease keeps leases: the replicated state (Store: IDs, granted
// TTLs, checkpointed remaining TTLs and attached keys, persisted in the
// backend's "lease" bucket as etcd's leasepb.Lease keyed by the 8-byte
// big-endian ID) and the leader-only clock (Primary: expiry deadlines,
// renewals and the checkpoint schedule). The Store changes only when a
// raft entry is applied; the Primary only proposes (revocations of expired
// leases and checkpoints) and never changes the Store itself. Both count
// into Metrics (etcd_debugging_lease_*).
package lease
