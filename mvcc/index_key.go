package mvcc

import (
	"errors"
	"fmt"
)

// ErrRevisionNotFound is returned when a key has no revision at the asked
// revision.
var ErrRevisionNotFound = errors.New("mvcc: revision not found")

// generation is one life of a key: from its creating put to its tombstone
// (the last revision of a closed generation is the tombstone).
type generation struct {
	ver     int64
	created Revision
	revs    []Revision
}

func (g *generation) empty() bool { return len(g.revs) == 0 }

// keyIndex holds every live revision of one key. The last generation is the
// current one; it is empty when the key is deleted.
type keyIndex struct {
	key      []byte
	modified Revision
	gens     []generation
}

// newKeyIndex is the keyIndex of a new key after its put at rev. The index,
// its generation and that generation's revision are one allocation, where
// a put into an empty keyIndex makes three: most keys of a large keyspace
// are written once, and every object of the index is one more for the
// garbage collector to mark on each cycle.
func newKeyIndex(key []byte, rev Revision) *keyIndex {
	b := &struct {
		ki  keyIndex
		gen [1]generation
		rev [1]Revision
	}{}
	b.rev[0] = rev
	b.gen[0] = generation{ver: 1, created: rev, revs: b.rev[:]}
	b.ki = keyIndex{key: key, modified: rev, gens: b.gen[:]}
	return &b.ki
}

func (ki *keyIndex) empty() bool {
	return len(ki.gens) == 1 && ki.gens[0].empty()
}

// put adds rev to the current generation; it reports whether that
// created the key (began a generation).
func (ki *keyIndex) put(rev Revision) (created bool) {
	if !rev.GreaterThan(ki.modified) {
		panic(fmt.Sprintf("mvcc: put of key %q at %v not after %v", ki.key, rev, ki.modified))
	}
	if len(ki.gens) == 0 {
		ki.gens = append(ki.gens, generation{})
	}
	g := &ki.gens[len(ki.gens)-1]
	if g.empty() {
		g.created = rev
		created = true
	}
	g.revs = append(g.revs, rev)
	g.ver++
	ki.modified = rev
	return created
}

// alive reports whether the key exists at the latest revision.
func (ki *keyIndex) alive() bool {
	return len(ki.gens) > 0 && !ki.gens[len(ki.gens)-1].empty()
}

// restore starts the index of a key read back from the backend, whose first
// seen revision is modified with the given create revision and version.
func (ki *keyIndex) restore(created, modified Revision, ver int64) {
	ki.modified = modified
	ki.gens = append(ki.gens, generation{created: created, ver: ver, revs: []Revision{modified}})
}

// restoreTombstone starts the index of a key whose first seen revision is a
// tombstone.
func (ki *keyIndex) restoreTombstone(rev Revision) {
	ki.restore(Revision{}, rev, 1)
	ki.gens = append(ki.gens, generation{})
}

func (ki *keyIndex) tombstone(rev Revision) error {
	if len(ki.gens) == 0 || ki.gens[len(ki.gens)-1].empty() {
		return ErrRevisionNotFound
	}
	ki.put(rev)
	ki.gens = append(ki.gens, generation{})
	return nil
}

// findGeneration returns the generation alive at main revision rev.
func (ki *keyIndex) findGeneration(rev int64) *generation {
	last := len(ki.gens) - 1
	for i := last; i >= 0; i-- {
		g := &ki.gens[i]
		if g.empty() {
			continue
		}
		if i != last && g.revs[len(g.revs)-1].Main <= rev {
			return nil // deleted at or before rev
		}
		if g.revs[0].Main <= rev {
			return g
		}
	}
	return nil
}

// get returns the modification, creation revision and version of the key at
// main revision atRev.
func (ki *keyIndex) get(atRev int64) (mod, created Revision, ver int64, err error) {
	g := ki.findGeneration(atRev)
	if g == nil {
		return Revision{}, Revision{}, 0, ErrRevisionNotFound
	}
	for i := len(g.revs) - 1; i >= 0; i-- {
		if g.revs[i].Main <= atRev {
			return g.revs[i], g.created, g.ver - int64(len(g.revs)-1-i), nil
		}
	}
	return Revision{}, Revision{}, 0, ErrRevisionNotFound
}

// compactPos finds, for a compaction at atRev, the first generation to keep
// and, in it, the index of the newest revision <= atRev (-1 if none). That
// revision is added to available.
//
// The generation kept is the first one that ends at or after atRev, as in
// etcd, unless the next one already began at atRev: a transaction that
// deleted the key and wrote it again ended one generation and began the
// next in the same revision, and the value alive at atRev is the new one.
// (etcd's API refuses such a transaction; etcd's index would keep the
// tombstone and let the new value be deleted from disk.)
func (ki *keyIndex) compactPos(atRev int64, available map[Revision]struct{}) (gi, ri int) {
	for gi < len(ki.gens)-1 {
		g, next := &ki.gens[gi], &ki.gens[gi+1]
		if g.revs[len(g.revs)-1].Main >= atRev && (next.empty() || next.revs[0].Main > atRev) {
			break
		}
		gi++
	}
	g := &ki.gens[gi]
	ri = -1
	for i := len(g.revs) - 1; i >= 0; i-- {
		if g.revs[i].Main <= atRev {
			available[g.revs[i]] = struct{}{}
			ri = i
			break
		}
	}
	return gi, ri
}

// compact drops every revision <= atRev but the newest one of the generation
// alive at atRev (a tombstone at exactly atRev is kept until a later
// compaction) and the generations that ended before atRev.
func (ki *keyIndex) compact(atRev int64, available map[Revision]struct{}) {
	gi, ri := ki.compactPos(atRev, available)
	g := &ki.gens[gi]
	if !g.empty() && ri > 0 {
		g.revs = append([]Revision(nil), g.revs[ri:]...)
	}
	if gi > 0 {
		ki.gens = append([]generation(nil), ki.gens[gi:]...)
	}
}

// keep is compact without modifying: which revision would stay. A tombstone
// that would stay is not reported (hash compatibility with etcd).
func (ki *keyIndex) keep(atRev int64, available map[Revision]struct{}) {
	if ki.empty() {
		return
	}
	gi, ri := ki.compactPos(atRev, available)
	g := &ki.gens[gi]
	if !g.empty() && ri == len(g.revs)-1 && gi != len(ki.gens)-1 {
		delete(available, g.revs[ri])
	}
}

func (ki *keyIndex) String() string {
	s := fmt.Sprintf("%q mod=%d.%d", ki.key, ki.modified.Main, ki.modified.Sub)
	for _, g := range ki.gens {
		s += fmt.Sprintf(" [created=%d ver=%d revs=", g.created.Main, g.ver)
		for i, r := range g.revs {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf("%d.%d", r.Main, r.Sub)
		}
		s += "]"
	}
	return s
}
