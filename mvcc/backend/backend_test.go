package backend

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTest(t testing.TB, cfg Config) *Backend {
	t.Helper()
	if cfg.Path == "" {
		cfg.Path = filepath.Join(t.TempDir(), "db")
	}
	if cfg.BatchInterval == 0 {
		cfg.BatchInterval = time.Hour
	}
	cfg.UnsafeNoFsync = true
	b, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func put(b *Backend, bk Bucket, kvs ...string) {
	tx := b.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(bk)
	for i := 0; i+1 < len(kvs); i += 2 {
		tx.UnsafePut(bk, []byte(kvs[i]), []byte(kvs[i+1]))
	}
	tx.Unlock()
}

func del(b *Backend, bk Bucket, keys ...string) {
	tx := b.BatchTx()
	tx.Lock()
	for _, k := range keys {
		tx.UnsafeDelete(bk, []byte(k))
	}
	tx.Unlock()
}

func readAll(r ReadTx, bk Bucket, key, end string, limit int64) string {
	r.RLock()
	defer r.RUnlock()
	var e []byte
	if end != "" {
		e = []byte(end)
	}
	ks, vs := r.UnsafeRange(bk, []byte(key), e, limit)
	var out []string
	for i := range ks {
		out = append(out, string(ks[i])+"="+string(vs[i]))
	}
	return fmt.Sprint(out)
}

// TestReadsMergeUncommitted: reads see committed and uncommitted writes,
// including deletes, in key order, with limits, before and after commits.
func TestReadsMergeUncommitted(t *testing.T) {
	b := openTest(t, Config{})
	put(b, Lease, "a", "1", "c", "3", "e", "5")
	b.ForceCommit()
	put(b, Lease, "b", "2", "c", "33", "f", "6")
	del(b, Lease, "e")
	for _, tc := range []struct {
		name     string
		key, end string
		limit    int64
		want     string
	}{
		{"all", "a", "z", 0, "[a=1 b=2 c=33 f=6]"},
		{"limit", "a", "z", 2, "[a=1 b=2]"},
		{"from middle", "bb", "f", 0, "[c=33]"},
		{"single committed", "a", "", 0, "[a=1]"},
		{"single overwritten", "c", "", 0, "[c=33]"},
		{"single deleted", "e", "", 0, "[]"},
		{"single buffered", "f", "", 0, "[f=6]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, r := range map[string]func() ReadTx{"ReadTx": b.ReadTx, "ConcurrentReadTx": b.ConcurrentReadTx} {
				if got := readAll(r(), Lease, tc.key, tc.end, tc.limit); got != tc.want {
					t.Errorf("%s before commit: %s, want %s", name, got, tc.want)
				}
			}
			bt := b.BatchTx()
			bt.Lock()
			ks, vs := bt.UnsafeRange(Lease, []byte(tc.key), nilIfEmpty(tc.end), tc.limit)
			bt.Unlock()
			var out []string
			for i := range ks {
				out = append(out, string(ks[i])+"="+string(vs[i]))
			}
			if got := fmt.Sprint(out); got != tc.want {
				t.Errorf("BatchTx: %s, want %s", got, tc.want)
			}
		})
	}
	b.ForceCommit()
	if got := readAll(b.ReadTx(), Lease, "a", "z", 0); got != "[a=1 b=2 c=33 f=6]" {
		t.Fatalf("after commit: %s", got)
	}
	var seen []string
	r := b.ReadTx()
	r.RLock()
	_ = r.UnsafeForEach(Lease, func(k, v []byte) error { seen = append(seen, string(k)); return nil })
	r.RUnlock()
	if fmt.Sprint(seen) != "[a b c f]" {
		t.Fatal(seen)
	}
}

func nilIfEmpty(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// TestConcurrentReadTxIsolated: a ConcurrentReadTx keeps its view while
// writes and commits go on, and does not block them.
func TestConcurrentReadTxIsolated(t *testing.T) {
	b := openTest(t, Config{})
	put(b, Lease, "a", "1")
	r := b.ConcurrentReadTx()
	put(b, Lease, "a", "2", "b", "2")
	b.ForceCommit()
	put(b, Lease, "c", "3")
	b.ForceCommit()
	if got := readAll(r, Lease, "a", "z", 0); got != "[a=1]" {
		t.Fatal(got)
	}
	r.RUnlock()
	if got := readAll(b.ReadTx(), Lease, "a", "z", 0); got != "[a=2 b=2 c=3]" {
		t.Fatal(got)
	}
}

// TestBatchLimitAndHook: BatchLimit writes force a commit, and the pre-commit
// hook writes the consistent index in every commit.
func TestBatchLimitAndHook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	var index uint64
	hook := HookFunc(func(tx UnsafeReadWriter) {
		index++
		UnsafeWriteConsistentIndex(tx, index, 2)
	})
	b, err := Open(Config{Path: path, BatchInterval: time.Hour, BatchLimit: 10, UnsafeNoFsync: true, Hooks: hook})
	if err != nil {
		t.Fatal(err)
	}
	tx := b.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(Meta)
	tx.UnsafeCreateBucket(Lease)
	tx.Unlock()
	before := b.Commits()
	for i := 0; i < 25; i++ {
		put(b, Lease, fmt.Sprintf("k%02d", i), "v")
	}
	if got := b.Commits() - before; got < 2 {
		t.Fatalf("%d commits after 25 writes with BatchLimit 10", got)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b2 := openTest(t, Config{Path: path})
	r := b2.ReadTx()
	r.RLock()
	ci, term := UnsafeReadConsistentIndex(r)
	n := 0
	_ = r.UnsafeForEach(Lease, func(k, v []byte) error { n++; return nil })
	r.RUnlock()
	if ci != index || term != 2 || n != 25 {
		t.Fatalf("consistent index %d (want %d) term %d keys %d", ci, index, term, n)
	}
}

// TestSnapshotDefragHash: a snapshot is a valid copy of the file; defrag
// keeps the content (same hash) and shrinks the file.
func TestSnapshotDefragHash(t *testing.T) {
	b := openTest(t, Config{})
	val := bytes.Repeat([]byte("x"), 1000)
	tx := b.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(Key)
	tx.UnsafeCreateBucket(Meta)
	for i := 0; i < 3000; i++ {
		tx.UnsafeSeqPut(Key, []byte(fmt.Sprintf("%08d", i)), val)
	}
	tx.Unlock()
	b.ForceCommit()
	tx.Lock()
	for i := 0; i < 2900; i++ {
		tx.UnsafeDelete(Key, []byte(fmt.Sprintf("%08d", i)))
	}
	tx.Unlock()
	h1, err := b.Hash(DefaultHashIgnores)
	if err != nil {
		t.Fatal(err)
	}
	snapPath := filepath.Join(t.TempDir(), "snap.db")
	f, err := os.Create(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Snapshot(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	sb := openTest(t, Config{Path: snapPath})
	if h, _ := sb.Hash(DefaultHashIgnores); h != h1 {
		t.Fatalf("snapshot hash %x, want %x", h, h1)
	}
	sizeBefore := b.Size()
	if err := b.Defrag(); err != nil {
		t.Fatal(err)
	}
	if h, _ := b.Hash(DefaultHashIgnores); h != h1 {
		t.Fatalf("hash after defrag %x, want %x", h, h1)
	}
	if b.Size() >= sizeBefore {
		t.Fatalf("defrag did not shrink: %d -> %d", sizeBefore, b.Size())
	}
	if b.SizeInUse() > b.Size() {
		t.Fatal("size in use above size")
	}
	put(b, Key, "zz", "after-defrag")
	if got := readAll(b.ReadTx(), Key, "zz", "", 0); got != "[zz=after-defrag]" {
		t.Fatal(got)
	}
}

// TestConcurrentReadersAndWriters is for -race: readers never see a torn
// state while writers commit.
func TestConcurrentReadersAndWriters(t *testing.T) {
	b := openTest(t, Config{BatchInterval: time.Millisecond, BatchLimit: 50})
	put(b, Lease)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				rt := b.ReadTx()
				rt.RLock()
				ks, vs := rt.UnsafeRange(Lease, []byte("k"), []byte("l"), 0)
				// Every writer transaction writes k-a and k-b with one value.
				if len(ks) == 2 && !bytes.Equal(vs[0], vs[1]) {
					t.Errorf("torn read %s %s", vs[0], vs[1])
				}
				rt.RUnlock()
			}
		}()
	}
	for i := 0; i < 2000; i++ {
		v := fmt.Sprint(i)
		put(b, Lease, "k-a", v, "k-b", v)
	}
	close(stop)
	wg.Wait()
}

func TestBufferMerge(t *testing.T) {
	mk := func(spec string) []bufEntry {
		var out []bufEntry
		for _, f := range strings.Fields(spec) {
			e := bufEntry{key: []byte(f[:1])}
			if f[1:] == "-" {
				e.del = true
			} else {
				e.val = []byte(f[1:])
			}
			out = append(out, e)
		}
		return out
	}
	show := func(es []bufEntry) string {
		var parts []string
		for _, e := range es {
			if e.del {
				parts = append(parts, string(e.key)+"-")
			} else {
				parts = append(parts, string(e.key)+string(e.val))
			}
		}
		return strings.Join(parts, " ")
	}
	for _, tc := range []struct{ dst, src, want string }{
		{"", "a1 b1", "a1 b1"},
		{"a1 b1", "c2 d2", "a1 b1 c2 d2"},
		{"b1 d1", "a2 b2", "a2 b2 d1"},
		{"a1 c1 e1 g1 i1 k1 m1 o1 q1", "b2 c2 d2 e- f2 h2 j2 l2 n2", "a1 b2 c2 d2 e- f2 g1 h2 i1 j2 k1 l2 m1 n2 o1 q1"},
	} {
		bb := &bucketBuffer{ents: mk(tc.dst)}
		bb.merge(mk(tc.src))
		if got := show(bb.ents); got != tc.want {
			t.Errorf("merge(%q, %q) = %q, want %q", tc.dst, tc.src, got, tc.want)
		}
	}
}

// TestIdleBackendDoesNotCommit: the periodic commit skips an idle backend,
// so the pre-commit hook does not rewrite the meta bucket forever.
func TestIdleBackendDoesNotCommit(t *testing.T) {
	hooks := 0
	var mu sync.Mutex
	b := openTest(t, Config{BatchInterval: time.Millisecond, Hooks: HookFunc(func(UnsafeReadWriter) {
		mu.Lock()
		hooks++
		mu.Unlock()
	})})
	put(b, Lease, "a", "1")
	for b.Commits() == 0 {
		time.Sleep(time.Millisecond)
	}
	c := b.Commits()
	time.Sleep(20 * time.Millisecond)
	if got := b.Commits(); got != c {
		t.Fatalf("idle backend committed %d times", got-c)
	}
}
