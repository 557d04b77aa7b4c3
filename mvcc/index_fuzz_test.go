package mvcc

import (
	"fmt"
	"testing"
)

// indexModel is a brute-force model of the index: the full history of puts
// and deletes per key.
type indexModel struct {
	ops []modelOp
}

type modelOp struct {
	key string
	rev Revision
	del bool
}

// get returns what the index should answer at main revision at.
func (m *indexModel) get(key string, at int64) (mod, created Revision, ver int64, ok bool) {
	for _, op := range m.ops {
		if op.key != key || op.rev.Main > at {
			continue
		}
		if op.del {
			ok, ver = false, 0
			continue
		}
		if !ok {
			created = op.rev
		}
		ok = true
		mod = op.rev
		ver++
	}
	return mod, created, ver, ok
}

// FuzzIndex drives the index with a byte script of puts, deletes and
// compactions and checks every answer at every revision not compacted
// against the model, and that compaction keeps exactly what reads at the
// compaction revision need.
func FuzzIndex(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0x41, 3, 0x82, 0, 0xc5})
	f.Add([]byte{0x10, 0x11, 0x50, 0x12, 0xd3, 0x13, 0x51})
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 200 {
			script = script[:200]
		}
		ti := newTreeIndex()
		m := &indexModel{}
		rev := int64(1)
		compacted := int64(0)
		alive := map[string]bool{}
		for _, c := range script {
			key := fmt.Sprintf("k%d", c&0x7)
			switch c >> 6 {
			case 0, 1: // put, sometimes two ops in one revision
				rev++
				ti.Put([]byte(key), Revision{Main: rev})
				m.ops = append(m.ops, modelOp{key: key, rev: Revision{Main: rev}})
				alive[key] = true
				if c&0x8 != 0 {
					// GetPut answers as Get at the revision, before the put.
					k2 := fmt.Sprintf("k%d", (c>>3)&0x7)
					_, created, ver, ok := m.get(k2, rev)
					gc, gv, err := ti.GetPut([]byte(k2), Revision{Main: rev, Sub: 1})
					if ok != (err == nil) || (ok && (created != gc || ver != gv)) {
						t.Fatalf("GetPut %s@%d: %v %d %v; model %v %d %v", k2, rev, gc, gv, err, created, ver, ok)
					}
					m.ops = append(m.ops, modelOp{key: k2, rev: Revision{Main: rev, Sub: 1}})
					alive[k2] = true
				}
			case 2: // delete
				rev++
				err := ti.Tombstone([]byte(key), Revision{Main: rev})
				if alive[key] != (err == nil) {
					t.Fatalf("tombstone %s alive=%v err=%v", key, alive[key], err)
				}
				if err == nil {
					m.ops = append(m.ops, modelOp{key: key, rev: Revision{Main: rev}, del: true})
					alive[key] = false
				}
			case 3: // compact somewhere in the past
				at := compacted + int64(c&0x3f)%(rev-compacted+1)
				if at <= compacted {
					continue
				}
				keep := ti.Keep(at)
				avail := ti.Compact(at)
				for r := range keep {
					if _, ok := avail[r]; !ok {
						t.Fatalf("Keep(%d) has %v, Compact does not", at, r)
					}
				}
				compacted = at
			}
			for k := 0; k < 8; k++ {
				key := fmt.Sprintf("k%d", k)
				for at := max(compacted, 1); at <= rev; at++ {
					mod, created, ver, ok := m.get(key, at)
					gm, gc, gv, err := ti.Get([]byte(key), at)
					if ok != (err == nil) || (ok && (mod != gm || created.Main != gc.Main || ver != gv)) {
						t.Fatalf("get %s@%d: index %v %v %d %v; model %v %v %d %v\n%v", key, at, gm, gc, gv, err, mod, created, ver, ok, ti.Dump())
					}
				}
			}
		}
	})
}
