package mvcc

import (
	"fmt"

	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// oneResult is the result of a range of one key with everything it points
// to but the bytes, in one allocation.
type oneResult struct {
	res RangeResult
	kv  mvccpb.KeyValue
	kvs [1]*mvccpb.KeyValue
	key [MarkedRevBytesLen]byte
}

// rangeOne reads a single key at rev: the most common range, served with
// two allocations (the result and the key's bytes).
func rangeOne(s *Store, tx backend.UnsafeReader, key []byte, rev, curRev int64) *RangeResult {
	mod, _, _, err := s.idx.Get(key, rev)
	if err != nil {
		return &RangeResult{Rev: curRev}
	}
	x := &oneResult{}
	v := tx.UnsafeGet(backend.Key, AppendRevisionKey(x.key[:0], mod, false))
	if v == nil {
		panic(fmt.Sprintf("mvcc: range: revision %d.%d of the index is missing from the backend", mod.Main, mod.Sub))
	}
	if err := decodeKeyValueInto(append([]byte(nil), v...), &x.kv); err != nil {
		panic(err)
	}
	x.kvs[0] = &x.kv
	x.res = RangeResult{KVs: x.kvs[:], Count: 1, Rev: curRev}
	return &x.res
}

// rangeScratch is the temporary space of a multi-key range: the index's
// revisions, their backend keys and the raw values read.
type rangeScratch struct {
	revs     []Revision
	keyArena []byte
	keys     [][]byte
}

// maxPooledRangeScratch bounds the revisions of scratch space kept for
// reuse, so that one huge range does not pin its buffers.
const maxPooledRangeScratch = 4096

func (s *Store) getRangeScratch() *rangeScratch {
	if sc, ok := s.rangeScratch.Get().(*rangeScratch); ok {
		return sc
	}
	return &rangeScratch{}
}

func (s *Store) putRangeScratch(sc *rangeScratch) {
	if cap(sc.revs) > maxPooledRangeScratch || cap(sc.keys) > maxPooledRangeScratch {
		return
	}
	// The raw values point into the backend's pages and buffer; entries
	// past len(sc.keys) are already nil.
	clear(sc.keys)
	s.rangeScratch.Put(sc)
}
