// Package mvcccompat checks our mvcc against etcd 3.7.3's storage packages:
// data files written by either open in the other with the same keys,
// revisions, values, tombstones, compaction state and hashes
// (compat_test.go), and the same benchmark shapes run on both
// (bench_test.go here, etcdbench/ for etcd's store).
//
// etcd's generated protobuf types and ours share full names, so no binary
// may link both: the etcd side lives in the etcdtool command and the
// etcdbench package, and the two sides meet only through files on disk.
package mvcccompat
