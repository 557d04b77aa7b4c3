package mvcc

import (
	"context"
	"fmt"

	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// storeTxnRead reads at the revision current when it began.
type storeTxnRead struct {
	s        *Store
	tx       backend.UnsafeReader
	rtx      backend.ReadTx
	firstRev int64
	rev      int64
	n        txnCounts
}

// Read begins a read transaction at the current revision. It does not wait
// for backend commits.
func (s *Store) Read(ctx context.Context) TxnRead {
	s.mu.RLock()
	s.revMu.RLock()
	tx := s.b.ReadTx()
	tx.RLock()
	first, rev := s.compactMainRev, s.currentRev
	s.revMu.RUnlock()
	return &storeTxnRead{s: s, tx: tx, rtx: tx, firstRev: first, rev: rev}
}

func (tr *storeTxnRead) FirstRev() int64 { return tr.firstRev }
func (tr *storeTxnRead) Rev() int64      { return tr.rev }
func (tr *storeTxnRead) Range(ctx context.Context, key, end []byte, ro RangeOptions) (*RangeResult, error) {
	tr.n.ranges++
	return rangeKeys(ctx, tr.s, tr.tx, key, end, tr.rev, tr.firstRev, ro)
}
func (tr *storeTxnRead) End() {
	tr.s.m.add(&tr.n)
	tr.rtx.RUnlock()
	tr.s.mu.RUnlock()
}

// rangeKeys serves Range for read and write transactions.
func rangeKeys(ctx context.Context, s *Store, tx backend.UnsafeReader, key, end []byte, curRev, compactRev int64, ro RangeOptions) (*RangeResult, error) {
	rev := ro.Rev
	if rev > curRev {
		return &RangeResult{Count: -1, Rev: curRev}, ErrFutureRev
	}
	if rev <= 0 {
		rev = curRev
	}
	if rev < compactRev {
		return &RangeResult{Count: -1}, ErrCompacted
	}
	if ro.CountOnly {
		return &RangeResult{Count: s.idx.Count(key, end, rev), Rev: curRev}, nil
	}
	if ro.KeysOnly {
		var kvs []*mvccpb.KeyValue
		total := 0
		s.idx.visit(key, end, rev, func(ki *keyIndex, mod, created Revision, ver int64) bool {
			if ro.Limit > 0 && int64(len(kvs)) >= ro.Limit {
				if !ro.WithTotalCount {
					return false
				}
				total++
				return true
			}
			kvs = append(kvs, &mvccpb.KeyValue{Key: ki.key, ModRevision: mod.Main, CreateRevision: created.Main, Version: ver})
			total++
			return true
		})
		return &RangeResult{KVs: kvs, Count: total, Rev: curRev}, nil
	}
	if end == nil {
		return rangeOne(s, tx, key, rev, curRev), nil
	}
	sc := s.getRangeScratch()
	defer s.putRangeScratch(sc)
	revs, total := s.idx.Revisions(sc.revs[:0], key, end, rev, int(ro.Limit), ro.WithTotalCount)
	sc.revs = revs
	if len(revs) == 0 {
		return &RangeResult{Count: total, Rev: curRev}, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("mvcc: range: %w", ctx.Err())
	}
	// One allocation for the structs, one for the pointers, one for all the
	// bytes; keys and values alias the copied bytes. The revision keys and
	// the raw values are scratch space, reused across ranges.
	vals := make([]mvccpb.KeyValue, len(revs))
	kvs := make([]*mvccpb.KeyValue, len(revs))
	keyArena := sc.keyArena[:0]
	if n := len(revs) * RevBytesLen; cap(keyArena) < n {
		keyArena = make([]byte, 0, n)
	}
	if cap(sc.keys) < len(revs) {
		sc.keys = make([][]byte, len(revs))
	}
	keys := sc.keys[:len(revs)]
	sc.keys = keys
	for i, r := range revs {
		off := len(keyArena)
		keyArena = AppendRevisionKey(keyArena, r, false)
		keys[i] = keyArena[off:len(keyArena):len(keyArena)]
	}
	sc.keyArena = keyArena
	raw := keys // reuse: each key is replaced by its value
	tx.UnsafeGetMany(backend.Key, keys, raw)
	size := 0
	for i, v := range raw {
		if v == nil {
			panic(fmt.Sprintf("mvcc: range: revision %d.%d of the index is missing from the backend", revs[i].Main, revs[i].Sub))
		}
		size += len(v)
	}
	arena := make([]byte, 0, size)
	for i, v := range raw {
		off := len(arena)
		arena = append(arena, v...)
		if err := decodeKeyValueInto(arena[off:len(arena):len(arena)], &vals[i]); err != nil {
			panic(err)
		}
		kvs[i] = &vals[i]
	}
	return &RangeResult{KVs: kvs, Count: total, Rev: curRev}, nil
}

// storeTxnWrite is the single write transaction; it holds the batch lock.
type storeTxnWrite struct {
	s        *Store
	tx       backend.BatchTx
	beginRev int64
	firstRev int64
	changes  []*mvccpb.KeyValue
	n        txnCounts
	// first and firstChanges hold the first change, so that a transaction
	// of one write (the common case) allocates neither for it; watchers
	// may keep the change after End.
	first        mvccpb.KeyValue
	firstChanges [1]*mvccpb.KeyValue
}

// Write begins a write transaction. Its writes share revision Rev()+1.
func (s *Store) Write(ctx context.Context) TxnWrite {
	s.mu.RLock()
	tx := s.b.BatchTx()
	tx.Lock()
	s.revMu.RLock()
	begin, first := s.currentRev, s.compactMainRev
	s.revMu.RUnlock()
	return &storeTxnWrite{s: s, tx: tx, beginRev: begin, firstRev: first}
}

func (tw *storeTxnWrite) FirstRev() int64 { return tw.firstRev }
func (tw *storeTxnWrite) Rev() int64      { return tw.beginRev }
func (tw *storeTxnWrite) Changes() []*mvccpb.KeyValue {
	return tw.changes
}

func (tw *storeTxnWrite) readRev() int64 {
	if len(tw.changes) > 0 {
		return tw.beginRev + 1
	}
	return tw.beginRev
}

func (tw *storeTxnWrite) Range(ctx context.Context, key, end []byte, ro RangeOptions) (*RangeResult, error) {
	tw.n.ranges++
	return rangeKeys(ctx, tw.s, tw.tx, key, end, tw.readRev(), tw.firstRev, ro)
}

func (tw *storeTxnWrite) Put(key, value []byte, lease int64) int64 {
	s := tw.s
	tw.n.puts++
	tw.n.putBytes += len(key) + len(value)
	rev := tw.beginRev + 1
	created, ver := rev, int64(0)
	oldLease := NoLease
	idxRev := Revision{Main: rev, Sub: int64(len(tw.changes))}
	// One index lookup reads the key's state at rev and records the put.
	if c, v, err := s.idx.GetPut(key, idxRev); err == nil {
		created, ver = c.Main, v
		if s.le != nil {
			oldLease = s.le.GetLease(string(key))
		}
	}
	kv := tw.newChange()
	kv.Key, kv.Value, kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease = key, value, created, rev, ver+1, lease
	bk, bv := encodeRevisionKV(idxRev, false, kv)
	tw.tx.UnsafeSeqPut(backend.Key, bk, bv)
	tw.addChange(kv)
	s.killPoint("put/after-write")
	if s.le == nil || oldLease == lease {
		return rev
	}
	if oldLease != NoLease {
		if err := s.le.Detach(oldLease, string(key)); err != nil {
			s.lg.Error("failed to detach old lease from a key")
		}
	}
	if lease != NoLease {
		if err := s.le.Attach(lease, string(key)); err != nil {
			s.lg.Error("failed to attach lease to a key")
		}
	}
	return rev
}

func (tw *storeTxnWrite) DeleteRange(key, end []byte) (int64, int64) {
	tw.n.deletes++
	keys := tw.s.idx.Keys(key, end, tw.readRev())
	for _, k := range keys {
		tw.delete(k)
	}
	if len(keys) > 0 || len(tw.changes) > 0 {
		return int64(len(keys)), tw.beginRev + 1
	}
	return 0, tw.beginRev
}

func (tw *storeTxnWrite) delete(key []byte) {
	s := tw.s
	idxRev := Revision{Main: tw.beginRev + 1, Sub: int64(len(tw.changes))}
	kv := tw.newChange()
	kv.Key = key
	bk, bv := encodeRevisionKV(idxRev, true, kv)
	tw.tx.UnsafeSeqPut(backend.Key, bk, bv)
	if err := s.idx.Tombstone(key, idxRev); err != nil {
		panic(fmt.Sprintf("mvcc: tombstone of %q: %v", key, err))
	}
	tw.addChange(kv)
	if s.le != nil {
		if id := s.le.GetLease(string(key)); id != NoLease {
			if err := s.le.Detach(id, string(key)); err != nil {
				s.lg.Error("failed to detach old lease from a key")
			}
		}
	}
}

// newChange returns an empty KeyValue for the next change.
func (tw *storeTxnWrite) newChange() *mvccpb.KeyValue {
	if len(tw.changes) == 0 {
		return &tw.first
	}
	return &mvccpb.KeyValue{}
}

func (tw *storeTxnWrite) addChange(kv *mvccpb.KeyValue) {
	if len(tw.changes) == 0 {
		tw.changes = tw.firstChanges[:0]
	}
	tw.changes = append(tw.changes, kv)
}

// End makes the writes visible: the revision advances when anything changed.
func (tw *storeTxnWrite) End() {
	s := tw.s
	s.m.add(&tw.n)
	if len(tw.changes) != 0 {
		if n := s.notifier; n != nil {
			n.lockNotify()
			n.notify(tw.beginRev+1, tw.changes)
			defer n.unlockNotify()
		}
		s.revMu.Lock()
		s.currentRev++
		tw.tx.Unlock()
		s.revMu.Unlock()
	} else {
		tw.tx.Unlock()
	}
	s.mu.RUnlock()
}
