// Package mvcc is the multi-version key-value store under the etcd server:
// every write transaction creates one new main revision, its operations are
// numbered by sub revision, and old revisions stay readable until compacted.
//
// Files: revision.go (the 17/18-byte revision keys of the "key" bucket),
// index*.go (the in-memory B-tree of keys with their generations),
// kvstore*.go (the store: transactions, restore, compaction, hash),
// watchable_store.go and watcher.go (watch streams), metrics.go.
//
// # Use from the server
//
//	be, _ := backend.Open(backend.Config{Path: ".../member/snap/db", Logger: lg})
//	be.SetHooks(backend.HookFunc(func(tx backend.UnsafeReadWriter) {
//		backend.UnsafeWriteConsistentIndex(tx, ci.Load(), term.Load())
//	}))
//	kv, _ := mvcc.NewWatchableStore(be, lessor, mvcc.StoreConfig{Logger: lg, Registerer: reg})
//	tw := kv.Write(ctx) // one revision
//	tw.Put(key, val, leaseID)
//	tw.DeleteRange(key, end)
//	tw.End()
//
// The pre-commit hook runs inside every bbolt commit with the batch
// transaction locked, so the consistent index lands atomically with the
// writes it covers. Leases, members, auth and alarms are stored through the
// same backend batch transaction (Lock, UnsafePut/UnsafeRange/UnsafeDelete/
// UnsafeForEach on a backend.Bucket, Unlock).
//
// Do not begin a transaction while holding another one in the same
// goroutine.
//
// # Division of work with the server
//
// Range applies key/range_end, limit, revision, count-only and keys-only.
// Sorting and the min/max mod/create revision filters of RangeRequest are
// applied by the server layer above, as in etcd, because they need the whole
// result before the limit is applied. prev_kv of watch events is also filled
// by the server (a Range at ModRevision-1), as in etcd, as is fragmenting of
// large watch responses: mvcc never splits the events of one revision over
// two responses. mvcc treats an empty non-nil end and "\x00" alike as "every
// key >= key", for Range, DeleteRange and Watch.
//
// A lease ID is an int64; the store reports key/lease attachments through the
// small Lessor interface (nil allowed when keys never carry leases).
//
// # Watch memory bound
//
// A synced watcher is sent each revision as it is written, without blocking:
// if its stream's channel (128 responses) is full it is parked as a victim
// holding exactly that one response. Watchers that are behind are caught up
// from the backend by a background loop, at most about 10,000 events per
// round and never part of a revision, so one slow watcher holds at most its
// channel plus one such response.
package mvcc
