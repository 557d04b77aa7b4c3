// Package snapfile reads and writes raft snapshot files in etcd's format
// ("%016x-%016x.snap", term-index, holding a snappb.Snapshot whose Data is
// the marshalled raftpb.Snapshot and whose Crc is its CRC-32C).
//
// It is the smallest piece the server needs until raftwal/snap lands; the
// server uses it only through the Store interface below.
package snapfile
