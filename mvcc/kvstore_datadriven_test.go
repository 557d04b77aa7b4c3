package mvcc

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// fakeLessor records attachments, for the datadriven scripts.
type fakeLessor struct{ m map[string]int64 }

func (l *fakeLessor) Attach(id int64, key string) error { l.m[key] = id; return nil }
func (l *fakeLessor) Detach(id int64, key string) error {
	if l.m[key] != id {
		return fmt.Errorf("key %q not on lease %d", key, id)
	}
	delete(l.m, key)
	return nil
}
func (l *fakeLessor) GetLease(key string) int64 { return l.m[key] }

func (l *fakeLessor) String() string {
	var keys []string
	for k := range l.m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s→%d\n", k, l.m[k])
	}
	return b.String()
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

type ddStore struct {
	t    *testing.T
	path string
	b    *backend.Backend
	s    *Store
	le   *fakeLessor
}

func (d *ddStore) open() {
	d.b = openTestBackend(d.t, d.path)
	d.le = &fakeLessor{m: map[string]int64{}}
	s, err := NewStore(d.b, d.le, StoreConfig{CompactionBatchLimit: 3, CompactionSleepInterval: time.Microsecond})
	if err != nil {
		d.t.Fatal(err)
	}
	d.s = s
}

func (d *ddStore) close() {
	_ = d.s.Close()
	_ = d.b.Close()
}

func argStr(td *datadriven.TestData, name string) ([]byte, bool) {
	for _, a := range td.CmdArgs {
		if a.Key == name {
			if len(a.Vals) == 0 {
				return []byte{}, true
			}
			v := a.Vals[0]
			if v == `\0` {
				return []byte{0}, true
			}
			return []byte(v), true
		}
	}
	return nil, false
}

func argInt(td *datadriven.TestData, name string) int64 {
	v, ok := argStr(td, name)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

func fmtRange(r *RangeResult, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\n", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rev=%d count=%d\n", r.Rev, r.Count)
	for _, kv := range r.KVs {
		fmt.Fprintf(&b, "%s=%q create=%d mod=%d ver=%d", kv.Key, kv.Value, kv.CreateRevision, kv.ModRevision, kv.Version)
		if kv.Lease != 0 {
			fmt.Fprintf(&b, " lease=%d", kv.Lease)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// runOp runs one line of a txn block, or a command, against a write txn.
func (d *ddStore) rangeOpts(td *datadriven.TestData) RangeOptions {
	ro := RangeOptions{Rev: argInt(td, "rev"), Limit: argInt(td, "limit")}
	_, ro.CountOnly = argStr(td, "count-only")
	_, ro.KeysOnly = argStr(td, "keys-only")
	_, ro.WithTotalCount = argStr(td, "total")
	return ro
}

func TestStoreDatadriven(t *testing.T) {
	datadriven.Walk(t, "testdata/store", func(t *testing.T, path string) {
		d := &ddStore{t: t, path: filepath.Join(t.TempDir(), "db")}
		d.open()
		defer func() { d.close() }()
		ctx := context.Background()
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			key, _ := argStr(td, "k")
			end, _ := argStr(td, "end")
			switch td.Cmd {
			case "put":
				v, _ := argStr(td, "v")
				return fmt.Sprintf("rev=%d\n", d.s.Put(key, v, argInt(td, "lease")))
			case "del":
				n, rev := d.s.DeleteRange(key, end)
				return fmt.Sprintf("deleted=%d rev=%d\n", n, rev)
			case "range":
				return fmtRange(d.s.Range(ctx, key, end, d.rangeOpts(td)))
			case "txn":
				tw := d.s.Write(ctx)
				var b strings.Builder
				for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
					f := strings.Fields(line)
					var e []byte
					if len(f) > 2 {
						e = []byte(f[2])
					}
					switch f[0] {
					case "put":
						fmt.Fprintf(&b, "put %s: rev=%d\n", f[1], tw.Put([]byte(f[1]), []byte(f[2]), 0))
					case "del":
						n, rev := tw.DeleteRange([]byte(f[1]), e)
						fmt.Fprintf(&b, "del %s: deleted=%d rev=%d\n", f[1], n, rev)
					case "range":
						b.WriteString(fmtRange(tw.Range(ctx, []byte(f[1]), e, RangeOptions{})))
					}
				}
				tw.End()
				fmt.Fprintf(&b, "end: rev=%d\n", d.s.Rev())
				return b.String()
			case "compact":
				ch, err := d.s.Compact(ctx, argInt(td, "rev"))
				if ch != nil {
					<-ch
				}
				if err != nil {
					return fmt.Sprintf("error: %v\n", err)
				}
				return "ok\n"
			case "hash":
				h, cur, err := d.s.HashByRev(argInt(td, "rev"))
				if err != nil {
					return fmt.Sprintf("error: %v\n", err)
				}
				return fmt.Sprintf("hash=%08x rev=%d compact=%d current=%d\n", h.Hash, h.Revision, h.CompactRevision, cur)
			case "restart":
				d.close()
				d.open()
				return fmt.Sprintf("rev=%d compact=%d\n", d.s.Rev(), d.s.FirstRev())
			case "index":
				return strings.Join(d.s.idx.Dump(), "\n") + "\n"
			case "leases":
				return d.le.String()
			case "raw":
				var b strings.Builder
				tx := d.b.ReadTx()
				tx.RLock()
				_ = tx.UnsafeForEach(backend.Key, func(k, v []byte) error {
					r, tomb, _ := ParseRevisionKey(k)
					fmt.Fprintf(&b, "%d.%d", r.Main, r.Sub)
					if tomb {
						b.WriteString(" tombstone")
					}
					b.WriteString("\n")
					return nil
				})
				tx.RUnlock()
				return b.String()
			}
			return fmt.Sprintf("unknown command %q", td.Cmd)
		})
	})
}
