package backend

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestOpenSnapshot: Size is what WriteTo writes; the snapshot is the file
// as of OpenSnapshot (pending writes included, later ones not), and a bbolt
// file in its own right.
func TestOpenSnapshot(t *testing.T) {
	reg := prometheus.NewRegistry()
	b := openTest(t, Config{Metrics: NewMetrics(reg)})
	put(b, Key, "a", "1", "b", "2") // pending: OpenSnapshot commits it
	s, err := b.OpenSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	put(b, Key, "c", "3")
	b.ForceCommit() // commits go on while a snapshot is open
	var buf bytes.Buffer
	n, err := s.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != s.Size() || int64(buf.Len()) != s.Size() {
		t.Fatalf("wrote %d (buffer %d), Size %d", n, buf.Len(), s.Size())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if got := testutil.CollectAndCount(reg, "etcd_disk_backend_snapshot_duration_seconds"); got != 1 {
		t.Fatalf("snapshot duration metric: %d series", got)
	}
	got := boltKeys(t, buf.Bytes(), Key)
	if got != "a=1 b=2" {
		t.Fatalf("snapshot holds %q", got)
	}
}

// boltKeys opens data as a bbolt file and lists bucket bk.
func boltKeys(t *testing.T, data []byte, bk Bucket) string {
	t.Helper()
	s, err := boltKeysIn(t.TempDir(), data, bk)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func boltKeysIn(dir string, data []byte, bk Bucket) (string, error) {
	p := filepath.Join(dir, "snap.db")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return "", err
	}
	db, err := bolt.Open(p, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer db.Close()
	var out bytes.Buffer
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bk.Name)
		if b == nil {
			return fmt.Errorf("no bucket %s", bk)
		}
		return b.ForEach(func(k, v []byte) error {
			if out.Len() > 0 {
				out.WriteByte(' ')
			}
			fmt.Fprintf(&out, "%s=%s", k, v)
			return nil
		})
	})
	return out.String(), err
}

// TestDefragLogsAndMetrics: etcd's log lines and metrics.
func TestDefragLogsAndMetrics(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	reg := prometheus.NewRegistry()
	b := openTest(t, Config{Logger: zap.New(core), Metrics: NewMetrics(reg)})
	val := bytes.Repeat([]byte("x"), 1000)
	tx := b.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(Key)
	for i := 0; i < 1000; i++ {
		tx.UnsafePut(Key, []byte(fmt.Sprintf("%06d", i)), val)
	}
	tx.Unlock()
	b.ForceCommit()
	for i := 0; i < 1000; i++ {
		del(b, Key, fmt.Sprintf("%06d", i))
	}
	b.ForceCommit()
	before := b.Size()
	if err := b.Defrag(); err != nil {
		t.Fatal(err)
	}
	start := logs.FilterMessage("defragmenting").All()
	if len(start) != 1 || start[0].ContextMap()["current-db-size-bytes"] != before || start[0].ContextMap()["path"] != b.Path() {
		t.Fatalf("defragmenting log: %+v", start)
	}
	done := logs.FilterMessage("finished defragmenting directory").All()
	if len(done) != 1 {
		t.Fatalf("finished log: %+v", logs.All())
	}
	f := done[0].ContextMap()
	if f["current-db-size-bytes"] != b.Size() || f["current-db-size-bytes-diff"] != b.Size()-before || f["current-db-size-in-use-bytes"] != b.SizeInUse() {
		t.Fatalf("finished log fields %v (size %d, before %d, in use %d)", f, b.Size(), before, b.SizeInUse())
	}
	for _, k := range []string{"current-db-size", "current-db-size-in-use", "took", "current-db-size-in-use-bytes-diff"} {
		if _, ok := f[k]; !ok {
			t.Fatalf("finished log lacks %s: %v", k, f)
		}
	}
	if got := testutil.CollectAndCount(reg, "etcd_disk_backend_defrag_duration_seconds"); got != 1 {
		t.Fatalf("defrag duration metric: %d series", got)
	}
	if v := testutil.ToFloat64(b.cfg.Metrics.DefragInflight); v != 0 {
		t.Fatalf("defrag_inflight %v after defrag", v)
	}
}

// TestDefragUnderLoad is for -race: writers, shared and concurrent readers
// and snapshots keep going while the file is defragmented again and again;
// no read sees a torn state, no write is lost, every snapshot is whole.
func TestDefragUnderLoad(t *testing.T) {
	b := openTest(t, Config{BatchLimit: 20})
	put(b, Lease)
	b.ForceCommit()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	reader := func(rt func() ReadTx) {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			r := rt()
			r.RLock()
			ks, vs := r.UnsafeRange(Lease, []byte("k"), []byte("l"), 0)
			if len(ks) == 2 && !bytes.Equal(vs[0], vs[1]) {
				t.Errorf("torn read %s %s", vs[0], vs[1])
			}
			r.RUnlock()
		}
	}
	wg.Add(2)
	go reader(b.ReadTx)
	go reader(b.ConcurrentReadTx)
	wg.Add(1)
	snapDir := t.TempDir()
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			var buf bytes.Buffer
			if _, err := b.Snapshot(&buf); err != nil {
				t.Error(err)
				return
			}
			if _, err := boltKeysIn(snapDir, buf.Bytes(), Lease); err != nil {
				t.Errorf("snapshot taken during defrags: %v", err)
				return
			}
		}
	}()
	defrags := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < 5 && err == nil; i++ {
			err = b.Defrag()
		}
		defrags <- err
	}()
	i := 0
	for done := false; !done; i++ {
		select {
		case err := <-defrags:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
		}
		v := fmt.Sprint(i)
		put(b, Lease, "k-a", v, "k-b", v, fmt.Sprintf("n-%06d", i), v)
	}
	close(stop)
	wg.Wait()
	rt := b.ConcurrentReadTx()
	ks, vs := rt.UnsafeRange(Lease, []byte("n-"), []byte("n."), 0)
	rt.RUnlock()
	if len(ks) != i {
		t.Fatalf("%d writes, %d after defrag", i, len(ks))
	}
	for j := range ks {
		if string(ks[j]) != fmt.Sprintf("n-%06d", j) || string(vs[j]) != fmt.Sprint(j) {
			t.Fatalf("write %d after defrag: %s=%s", j, ks[j], vs[j])
		}
	}
}
