// Package mvcc is the multi-version key-value store under the etcd server:
// every write transaction creates one new main revision, its operations are
// numbered by sub revision, and old revisions stay readable until compacted.
//
// Layout: revision.go (the 17/18-byte revision keys of the "key" bucket),
// index*.go (the in-memory B-tree of keys with their generations),
// kvstore*.go (the store: transactions, restore, compaction, hash),
// watchable*.go and watcher*.go (the watchable store and watch streams).
//
// Division of work with the server: mvcc.Range applies key/range_end, limit,
// revision, count-only and keys-only. Sorting and the min/max mod/create
// revision filters of RangeRequest are applied by the server layer above, as
// in etcd, because they need the whole result before the limit is applied.
// The server also turns a "\x00" range_end into "from key"; mvcc accepts
// both an empty non-nil end and "\x00" for that.
//
// A lease ID is an int64; the store reports key/lease attachments through the
// small Lessor interface (nil allowed when leases are not used).
package mvcc
