// Package snap stores raft snapshots in etcd's snapshot directory format.
//
// A snapshot file is named "%016x-%016x.snap" (term, index) and holds a
// snappb.Snapshot whose data is a marshalled raftpb.Snapshot and whose crc
// is that data's CRC-32C (Castagnoli). Load returns the newest file that
// reads back whole, renaming corrupt ones to "<name>.broken" as etcd does.
// A backend database received from a leader is stored beside them as
// "%016x.snap.db" (snapshot index) by SaveDBFrom.
package snap
