package mvcc

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// copyFile copies the bbolt file as a crash would leave it: bbolt writes
// pages only inside Commit, so between commits the file on disk is exactly
// the last committed state.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

type crashCopy struct {
	point string
	path  string
}

// TestCrashAtEveryStep runs puts, deletes and a multi-batch compaction with a
// kill point hook that snapshots the data file at every durability step
// (before and after each commit, after each write, after scheduling a
// compaction, after each compaction batch). Every snapshot must then open
// as a consistent store: the index matches the file, reads agree with a
// model of the committed prefix of the history, and an interrupted
// compaction is resumed and completes.
func TestCrashAtEveryStep(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db")
	var copies []crashCopy
	kill := func(point string) {
		dst := filepath.Join(dir, fmt.Sprintf("crash-%03d.db", len(copies)))
		copyFile(t, path, dst)
		copies = append(copies, crashCopy{point: point, path: dst})
	}
	b, err := backend.Open(backend.Config{Path: path, UnsafeNoFsync: true, BatchInterval: time.Hour, BatchLimit: 7, KillPoint: kill})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(b, nil, StoreConfig{CompactionBatchLimit: 4, CompactionSleepInterval: time.Microsecond, KillPoint: kill})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		k := []byte(fmt.Sprintf("k%d", i%5))
		if i%7 == 6 {
			s.DeleteRange(k, nil)
		} else {
			s.Put(k, []byte(fmt.Sprint(i)), 0)
		}
	}
	ch, err := s.Compact(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	<-ch
	for i := 0; i < 5; i++ {
		s.Put([]byte("after"), []byte(fmt.Sprint(i)), 0)
	}
	s.Commit()
	finalHash, _, _ := s.HashByRev(0)
	_ = s.Close()
	_ = b.Close()
	if len(copies) < 20 {
		t.Fatalf("only %d kill points hit", len(copies))
	}
	points := map[string]int{}
	for _, c := range copies {
		points[c.point]++
	}
	for _, p := range []string{"backend/before-commit", "backend/after-commit", "put/after-write", "compact/scheduled", "compact/batch", "compact/index", "compact/finished"} {
		if points[p] == 0 {
			t.Errorf("kill point %s never hit (%v)", p, points)
		}
	}

	for _, c := range copies {
		t.Run(fmt.Sprintf("%s@%s", filepath.Base(c.path), c.point), func(t *testing.T) {
			checkRecovered(t, c.path)
		})
	}
	// The final file matches the hash of the live store.
	b2 := openTestBackend(t, path)
	defer b2.Close()
	s2, err := NewStore(b2, nil, StoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if h, _, _ := s2.HashByRev(0); h != finalHash {
		t.Fatalf("hash after reopen %v, want %v", h, finalHash)
	}
}

// checkRecovered opens a crash copy and checks it is self-consistent.
func checkRecovered(t *testing.T, path string) {
	b := openTestBackend(t, path)
	defer b.Close()
	s, err := NewStore(b, nil, StoreConfig{CompactionBatchLimit: 4, CompactionSleepInterval: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.WaitCompactions()
	ctx := context.Background()
	rev, compact := s.Rev(), s.FirstRev()
	// Every revision still readable gives, per key, the newest put at or
	// before it, as replayed from the raw file.
	type rec struct {
		key, val string
		tomb     bool
	}
	byRev := map[int64][]rec{}
	tx := b.ReadTx()
	tx.RLock()
	_ = tx.UnsafeForEach(backend.Key, func(k, v []byte) error {
		r, tomb, err := ParseRevisionKey(k)
		if err != nil {
			t.Fatal(err)
		}
		var kv struct{ k, v string }
		decoded := decodeKV(t, v)
		kv.k, kv.v = string(decoded.Key), string(decoded.Value)
		byRev[r.Main] = append(byRev[r.Main], rec{kv.k, kv.v, tomb})
		return nil
	})
	finished, finOK := readCompactRev(tx, backend.FinishedCompactKey)
	scheduled, schedOK := readCompactRev(tx, backend.ScheduledCompactKey)
	tx.RUnlock()
	if schedOK && (!finOK || finished != scheduled) {
		t.Fatalf("compaction to %d not finished after recovery (finished %d %v)", scheduled, finished, finOK)
	}
	// After a finished compaction, no revision <= compact remains except the
	// newest of each key.
	state := map[string]string{}
	for r := int64(1); r <= rev; r++ {
		for _, e := range byRev[r] {
			if e.tomb {
				delete(state, e.key)
			} else {
				state[e.key] = e.val
			}
		}
		if r < max(compact, 1) {
			continue
		}
		res, err := s.Range(ctx, []byte{0}, []byte{0xff}, RangeOptions{Rev: r})
		if err != nil {
			t.Fatalf("range at %d (current %d, compacted %d): %v", r, rev, compact, err)
		}
		if len(res.KVs) != len(state) {
			t.Fatalf("range at %d: %d keys, file says %d", r, len(res.KVs), len(state))
		}
		for _, kv := range res.KVs {
			if state[string(kv.Key)] != string(kv.Value) {
				t.Fatalf("range at %d: %s=%s, file says %s", r, kv.Key, kv.Value, state[string(kv.Key)])
			}
		}
	}
	// The store keeps working.
	if got := s.Put([]byte("new"), []byte("x"), 0); got != rev+1 {
		t.Fatalf("put after recovery at %d, want %d", got, rev+1)
	}
}
