// Package apply turns committed raft entries into state changes. Applying
// is a pure function of the backend state and the request: one table of
// handlers, keyed by request kind, each wrapped by the same middleware
// chain (func(next Handler) Handler) for cross-cutting checks such as
// quota, auth or a corrupt alarm.
//
// The read half (Range, read-only Txn) is shared with the server, which
// serves serializable and linearizable reads locally without raft.
package apply
