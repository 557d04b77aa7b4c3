// Command wal-dump prints the snapshot and the WAL entries of an etcd data
// directory in human-readable form, as etcd's etcd-dump-logs does.
//
//	wal-dump [flags] <data-dir>
//
// It reads <data-dir>/member/snap and <data-dir>/member/wal (or the
// directory given by -wal-dir) without taking locks, so it can run beside
// a live member. Entries are listed as term, index, type and data; normal
// entries (etcdserverpb.InternalRaftRequest) are shown as their size and a
// hex preview, configuration changes are decoded. With -records it lists
// every raw record of every segment instead, with offsets and checksums.
package main
