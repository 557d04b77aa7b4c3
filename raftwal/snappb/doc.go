// Package snappb holds the envelope of etcd's .snap files with a
// hand-written proto2 encoder whose bytes are identical to etcd's
// (etcd's etcdserver/api/snap/snappb/snap.proto):
//
//	message snapshot { optional uint32 crc = 1; optional bytes data = 2; }
//
// data is a marshalled raftpb.Snapshot and crc its CRC-32C (Castagnoli).
// etcd always sets crc, so it is always encoded; data is encoded when
// non-nil.
package snappb
