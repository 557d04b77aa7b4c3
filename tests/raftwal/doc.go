// Package raftwal checks that our WAL and snapshot files are etcd's: files
// written by etcd v3.7.3's storage/wal and etcdserver/api/snap are read
// here record for record, files written here are read by etcd's, the small
// protobuf envelopes encode to the same bytes, and locks exclude each
// other. It also holds the Save benchmark that runs our WAL and etcd's side
// by side.
package raftwal
