package etcdserver

import (
	"sync/atomic"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// consistentIndex is the index of the last applied entry. It is changed
// only with the backend's batch transaction locked, together with the
// entry's writes, and written into the meta bucket by the pre-commit hook,
// so a backend commit holds an entry's writes exactly when it holds its
// index.
type consistentIndex struct {
	index atomic.Uint64
	term  atomic.Uint64
}

func (c *consistentIndex) Index() uint64 { return c.index.Load() }

func (c *consistentIndex) set(index, term uint64) {
	c.index.Store(index)
	c.term.Store(term)
}

// OnPreCommitUnsafe implements backend.Hooks.
func (c *consistentIndex) OnPreCommitUnsafe(tx backend.UnsafeReadWriter) {
	backend.UnsafeWriteConsistentIndex(tx, c.index.Load(), c.term.Load())
}
