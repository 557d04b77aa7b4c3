// Package backend is the durable storage layer under mvcc: a single bbolt file
// laid out exactly like etcd's (buckets "key", "meta", "lease", "auth", ...).
//
// Writes go through one long-lived bbolt read-write transaction (the batch
// transaction) that is committed every Config.BatchInterval, after
// Config.BatchLimit writes, or on demand (ForceCommit). Readers never wait for
// that commit: every write made under the batch transaction is also written
// back, when the batch lock is released, into a read buffer that readers merge
// with a bbolt read transaction opened on the last committed state. A commit
// fsyncs without holding the readers' lock; only the swap of the read
// transaction and the reset of the buffer happen under it.
//
// The server stores its own state (leases, members, auth, alarms, the
// consistent index) through the generic batch transaction API: Lock/Unlock,
// UnsafeCreateBucket, UnsafePut, UnsafeSeqPut, UnsafeRange, UnsafeDelete,
// UnsafeForEach on a Bucket. Hooks.OnPreCommitUnsafe runs inside every commit,
// with the batch transaction locked, so that the consistent index and term
// land in the same bbolt transaction as the data they describe.
//
// Config.KillPoint is a fault-injection hook called at each durability
// boundary ("backend/before-commit", "backend/after-commit"); tests copy the
// file there to simulate a crash.
package backend
