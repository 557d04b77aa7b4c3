// Package walpb holds the two messages of etcd's WAL files, Record and
// Snapshot, with hand-written proto2 encoders whose bytes are identical to
// etcd's (etcd's storage/wal/walpb/record.proto):
//
//	message Record   { optional int64 type = 1; optional uint32 crc = 2; optional bytes data = 3; }
//	message Snapshot { optional uint64 index = 1; optional uint64 term = 2; optional raftpb.ConfState conf_state = 3; }
//
// etcd always sets type, crc, index and term when writing, so they are
// plain fields here and always encoded; data and conf_state are encoded
// only when non-nil, as etcd's optional fields are.
package walpb
