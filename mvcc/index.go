package mvcc

import (
	"bytes"
	"sync"

	"github.com/google/btree"
)

// treeIndex is the in-memory B-tree of keyIndex ordered by key.
type treeIndex struct {
	mu   sync.RWMutex
	tree *btree.BTreeG[*keyIndex]
	// A lookup needs a *keyIndex probe holding the key, which escapes to
	// the tree's less function: wprobe serves lookups under the write
	// lock, probes those under the read lock, instead of an allocation
	// per lookup.
	wprobe keyIndex
	probes sync.Pool
	// live counts the keys that exist at the latest revision (etcd's
	// keys_total), under mu.
	live int
}

// probe returns a search key for a lookup under the read lock; release it
// with releaseProbe.
func (ti *treeIndex) probe(key []byte) *keyIndex {
	p, _ := ti.probes.Get().(*keyIndex)
	if p == nil {
		p = &keyIndex{}
	}
	p.key = key
	return p
}

func (ti *treeIndex) releaseProbe(p *keyIndex) {
	p.key = nil
	ti.probes.Put(p)
}

// lookupLocked finds key; the write lock is held.
func (ti *treeIndex) lookupLocked(key []byte) (*keyIndex, bool) {
	ti.wprobe.key = key
	ki, ok := ti.tree.Get(&ti.wprobe)
	ti.wprobe.key = nil
	return ki, ok
}

func lessKeyIndex(a, b *keyIndex) bool { return bytes.Compare(a.key, b.key) < 0 }

func newTreeIndex() *treeIndex {
	return &treeIndex{tree: btree.NewG(32, lessKeyIndex)}
}

// isFromKey reports whether end means "every key >= key".
func isFromKey(end []byte) bool {
	return end != nil && (len(end) == 0 || (len(end) == 1 && end[0] == 0))
}

func (ti *treeIndex) Put(key []byte, rev Revision) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ti.putLocked(key, rev)
}

func (ti *treeIndex) putLocked(key []byte, rev Revision) {
	ki, ok := ti.lookupLocked(key)
	if !ok {
		ti.insertLocked(key, rev)
		return
	}
	if ki.put(rev) {
		ti.live++
	}
}

// insertLocked adds key, not in the index, with its first revision.
func (ti *treeIndex) insertLocked(key []byte, rev Revision) {
	ti.tree.ReplaceOrInsert(newKeyIndex(append([]byte(nil), key...), rev))
	ti.live++
}

// GetPut is Get(key, rev.Main) followed by Put(key, rev) in one lookup:
// it returns the key's creation revision and version before the put (err
// ErrRevisionNotFound when it was not alive).
func (ti *treeIndex) GetPut(key []byte, rev Revision) (created Revision, ver int64, err error) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ki, ok := ti.lookupLocked(key)
	if !ok {
		ti.insertLocked(key, rev)
		return Revision{}, 0, ErrRevisionNotFound
	}
	_, created, ver, err = ki.get(rev.Main)
	if ki.put(rev) {
		ti.live++
	}
	return created, ver, err
}

func (ti *treeIndex) Tombstone(key []byte, rev Revision) error {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ki, ok := ti.lookupLocked(key)
	if !ok {
		return ErrRevisionNotFound
	}
	if err := ki.tombstone(rev); err != nil {
		return err
	}
	ti.live--
	return nil
}

func (ti *treeIndex) Get(key []byte, atRev int64) (mod, created Revision, ver int64, err error) {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	probe := ti.probe(key)
	ki, ok := ti.tree.Get(probe)
	ti.releaseProbe(probe)
	if !ok {
		return Revision{}, Revision{}, 0, ErrRevisionNotFound
	}
	return ki.get(atRev)
}

// visit calls fn, in key order, for each key of [key, end) (or the single key
// when end is nil) that is alive at atRev. The read lock is held.
func (ti *treeIndex) visit(key, end []byte, atRev int64, fn func(ki *keyIndex, mod, created Revision, ver int64) bool) {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	probe := ti.probe(key)
	defer ti.releaseProbe(probe)
	if end == nil {
		if ki, ok := ti.tree.Get(probe); ok {
			if mod, c, v, err := ki.get(atRev); err == nil {
				fn(ki, mod, c, v)
			}
		}
		return
	}
	fromKey := isFromKey(end)
	ti.tree.AscendGreaterOrEqual(probe, func(ki *keyIndex) bool {
		if !fromKey && bytes.Compare(ki.key, end) >= 0 {
			return false
		}
		mod, c, v, err := ki.get(atRev)
		if err != nil {
			return true
		}
		return fn(ki, mod, c, v)
	})
}

// Revisions appends to revs the modification revisions of up to limit (0:
// all) keys alive at atRev and returns them with the total number of such
// keys (counted past the limit only when withTotal is set, as etcd).
func (ti *treeIndex) Revisions(revs []Revision, key, end []byte, atRev int64, limit int, withTotal bool) ([]Revision, int) {
	total := 0
	ti.visit(key, end, atRev, func(_ *keyIndex, mod, _ Revision, _ int64) bool {
		if limit > 0 && len(revs) >= limit {
			if !withTotal {
				return false
			}
			total++
			return true
		}
		revs = append(revs, mod)
		total++
		return true
	})
	return revs, total
}

// Count is the number of keys alive at atRev in the range.
func (ti *treeIndex) Count(key, end []byte, atRev int64) int {
	n := 0
	ti.visit(key, end, atRev, func(*keyIndex, Revision, Revision, int64) bool { n++; return true })
	return n
}

// Keys returns the keys alive at atRev in the range.
func (ti *treeIndex) Keys(key, end []byte, atRev int64) [][]byte {
	var keys [][]byte
	ti.visit(key, end, atRev, func(ki *keyIndex, _, _ Revision, _ int64) bool {
		keys = append(keys, ki.key)
		return true
	})
	return keys
}

// Compact compacts every key at rev and returns the revisions to keep in the
// backend. Keys are compacted one at a time so writers interleave.
func (ti *treeIndex) Compact(rev int64) map[Revision]struct{} {
	available := make(map[Revision]struct{})
	ti.mu.Lock()
	clone := ti.tree.Clone()
	ti.mu.Unlock()
	clone.Ascend(func(ki *keyIndex) bool {
		ti.mu.Lock()
		ki.compact(rev, available)
		if ki.empty() {
			ti.tree.Delete(ki)
		}
		ti.mu.Unlock()
		return true
	})
	return available
}

// Keep returns the revisions a compaction at rev would keep.
func (ti *treeIndex) Keep(rev int64) map[Revision]struct{} {
	available := make(map[Revision]struct{})
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	ti.tree.Ascend(func(ki *keyIndex) bool {
		ki.keep(rev, available)
		return true
	})
	return available
}

// restoreGet returns the index of key for restore, or nil.
func (ti *treeIndex) restoreGet(key []byte) *keyIndex {
	probe := keyIndex{key: key}
	ki, _ := ti.tree.Get(&probe)
	return ki
}

func (ti *treeIndex) restoreInsert(ki *keyIndex) { ti.tree.ReplaceOrInsert(ki) }

// Len is the number of keys in the index (alive or not).
func (ti *treeIndex) Len() int {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	return ti.tree.Len()
}

// Live is the number of keys that exist at the latest revision.
func (ti *treeIndex) Live() int {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	return ti.live
}

// restoreCount counts the live keys once restore has built the index.
func (ti *treeIndex) restoreCount() {
	ti.live = 0
	ti.tree.Ascend(func(ki *keyIndex) bool {
		if ki.alive() {
			ti.live++
		}
		return true
	})
}

// Dump returns every keyIndex as text (tests).
func (ti *treeIndex) Dump() []string {
	ti.mu.RLock()
	defer ti.mu.RUnlock()
	var out []string
	ti.tree.Ascend(func(ki *keyIndex) bool { out = append(out, ki.String()); return true })
	return out
}
