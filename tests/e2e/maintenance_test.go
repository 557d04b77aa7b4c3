package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/snapshot"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestDefragmentUnderLoad: after deletes and a compaction, Defragment runs
// again and again while a writer and a watcher run; the watcher sees every
// write once and in order, every write is readable, and the file shrank.
func TestDefragmentUnderLoad(t *testing.T) {
	p, cli := startMember(t, e2e.Config{})
	ctx := ctxT(t)

	val := strings.Repeat("x", 4096)
	for i := 0; i < 1000; i++ {
		if _, err := cli.Put(ctx, fmt.Sprintf("big/%04d", i), val); err != nil {
			t.Fatal(err)
		}
	}
	del, err := cli.Delete(ctx, "big/", clientv3.WithPrefix())
	if err != nil || del.Deleted != 1000 {
		t.Fatalf("delete: %v %v", del, err)
	}
	if _, err := cli.Compact(ctx, del.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
	before, err := cli.Status(ctx, p.ClientURL)
	if err != nil {
		t.Fatal(err)
	}

	const writes = 500
	start := del.Header.Revision + 1
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	wch := cli.Watch(wctx, "w/", clientv3.WithPrefix(), clientv3.WithRev(start))

	var wg sync.WaitGroup
	writerDone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(writerDone)
		for i := 0; i < writes; i++ {
			if _, err := cli.Put(ctx, fmt.Sprintf("w/%04d", i), fmt.Sprint(i)); err != nil {
				t.Errorf("put %d: %v", i, err)
				return
			}
		}
	}()
	defrags := 0
	for done := false; !done; {
		resp, err := cli.Defragment(ctx, p.ClientURL)
		if err != nil {
			t.Fatalf("defragment %d: %v", defrags, err)
		}
		if resp.Header != nil {
			t.Fatalf("defragment answered with a header (%v); etcd sends none", resp.Header)
		}
		defrags++
		select {
		case <-writerDone:
			done = true
		default:
		}
	}
	wg.Wait()

	var events []*clientv3.Event
	for len(events) < writes {
		wr, ok := <-wch
		if !ok || wr.Err() != nil {
			t.Fatalf("watch ended after %d events: %v", len(events), wr.Err())
		}
		events = append(events, wr.Events...)
	}
	wcancel()
	if len(events) != writes {
		t.Fatalf("%d events for %d writes", len(events), writes)
	}
	for i, ev := range events {
		if key, rev := fmt.Sprintf("w/%04d", i), start+int64(i); string(ev.Kv.Key) != key || ev.Kv.ModRevision != rev || ev.Type != clientv3.EventTypePut {
			t.Fatalf("event %d: %s %s at %d, want PUT %s at %d", i, ev.Type, ev.Kv.Key, ev.Kv.ModRevision, key, rev)
		}
	}
	g, err := cli.Get(ctx, "w/", clientv3.WithPrefix())
	if err != nil || len(g.Kvs) != writes {
		t.Fatalf("get after the load: %d keys, %v", len(g.Kvs), err)
	}
	for i, kv := range g.Kvs {
		if string(kv.Value) != fmt.Sprint(i) {
			t.Fatalf("key %s = %q, want %d", kv.Key, kv.Value, i)
		}
	}

	after, err := cli.Status(ctx, p.ClientURL)
	if err != nil {
		t.Fatal(err)
	}
	if after.DbSize >= before.DbSize/2 || after.DbSizeInUse > after.DbSize {
		t.Fatalf("db size %d (in use %d) before %d defrags, %d (in use %d) after: no shrink",
			before.DbSize, before.DbSizeInUse, defrags, after.DbSize, after.DbSizeInUse)
	}
	if after.DbSizeQuota != 2*1024*1024*1024 {
		t.Fatalf("dbSizeQuota %d with no --quota-backend-bytes, want etcd's default", after.DbSizeQuota)
	}
	for _, line := range []string{`"msg":"defragmenting"`, `"msg":"finished defragmenting directory"`} {
		if !strings.Contains(p.Log(), line) {
			t.Errorf("server log lacks %s", line)
		}
	}
	t.Logf("%d defragmentations during %d writes; db size %d -> %d", defrags, writes, before.DbSize, after.DbSize)
}

// TestSnapshotSave: the snapshot stream ends with the sha256 of the file
// before it; the file is a bbolt database holding the keys; etcd's own
// tools take it: the client's snapshot.SaveWithVersion (etcdctl snapshot
// save), etcdutl snapshot status, and etcdutl snapshot restore, whose data
// directory our server then serves the keys from.
func TestSnapshotSave(t *testing.T) {
	etcdutl := buildEtcdutl(t)
	p, cli := startMember(t, e2e.Config{})
	ctx := ctxT(t)
	const keys = 300
	for i := 0; i < keys; i++ {
		if _, err := cli.Put(ctx, fmt.Sprintf("k/%04d", i), fmt.Sprintf("v%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cli.Delete(ctx, "k/0000"); err != nil {
		t.Fatal(err)
	}

	// The raw stream: the file, then its sha256.
	sr, err := cli.SnapshotWithVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(sr.Snapshot)
	sr.Snapshot.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sr.Version != "3.7.0" {
		t.Fatalf("snapshot version %q, want 3.7.0", sr.Version)
	}
	if len(raw)%512 != sha256.Size {
		t.Fatalf("stream of %d bytes: no sha256 trailer after whole pages", len(raw))
	}
	db, trailer := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	if sum := sha256.Sum256(db); !bytes.Equal(sum[:], trailer) {
		t.Fatalf("trailer %x, sha256 of the file %x", trailer, sum)
	}
	dbPath := filepath.Join(t.TempDir(), "raw.db")
	if err := os.WriteFile(dbPath, db, 0o600); err != nil {
		t.Fatal(err)
	}
	latest := latestValues(t, dbPath)
	if len(latest) != keys-1 {
		t.Fatalf("snapshot file holds %d live keys, want %d", len(latest), keys-1)
	}
	if latest["k/0000"] != nil || string(latest["k/0001"].Value) != "v1" || string(latest["k/0299"].Value) != "v299" {
		t.Fatalf("snapshot file: k/0000 %v, k/0001 %v, k/0299 %v", latest["k/0000"], latest["k/0001"], latest["k/0299"])
	}
	for _, line := range []string{"sending database snapshot to client", "sending database sha256 checksum to client", "successfully sent database snapshot to client"} {
		if !strings.Contains(p.Log(), `"msg":"`+line+`"`) {
			t.Errorf("server log lacks %q", line)
		}
	}

	// What etcdctl snapshot save runs: it checks the trailer is there.
	saved := filepath.Join(t.TempDir(), "saved.db")
	ver, err := snapshot.SaveWithVersion(ctx, zap.NewNop(), clientv3.Config{Endpoints: []string{p.ClientURL}}, saved)
	if err != nil || ver != "3.7.0" {
		t.Fatalf("snapshot save: version %q, %v", ver, err)
	}

	// etcd's etcdutl reads it and restores it (checking the sha256).
	out, err := exec.Command(etcdutl, "snapshot", "status", saved, "-w", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("etcdutl snapshot status: %v\n%s", err, out)
	}
	var st struct {
		Hash      uint32 `json:"hash"`
		Revision  int64  `json:"revision"`
		TotalKey  int    `json:"totalKey"`
		TotalSize int64  `json:"totalSize"`
		Version   string `json:"version"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("etcdutl snapshot status: %v\n%s", err, out)
	}
	wantRev := int64(keys + 2) // 300 puts and one delete after revision 1
	if st.Revision != wantRev || st.TotalKey != keys-1 {
		t.Fatalf("etcdutl snapshot status %s: want revision %d, %d keys", out, wantRev, keys-1)
	}
	// The storage version etcd keeps in the meta bucket.
	if st.Version != "3.7.0" {
		t.Fatalf("etcdutl snapshot status %s: version %q, want 3.7.0", out, st.Version)
	}

	restored := e2e.NewProcess(t, e2e.Config{DataDir: filepath.Join(t.TempDir(), "restored.etcd")})
	out, err = exec.Command(etcdutl, "snapshot", "restore", saved,
		"--data-dir", restored.DataDir(), "--name", "e2e",
		"--initial-cluster", "e2e="+restored.PeerURL, "--initial-advertise-peer-urls", restored.PeerURL,
	).CombinedOutput()
	if err != nil {
		t.Fatalf("etcdutl snapshot restore: %v\n%s", err, out)
	}
	p.Stop()
	if err := restored.Start(ctx); err != nil {
		t.Fatal(err)
	}
	rcli := newClient(t, restored.ClientURL)
	g, err := rcli.Get(ctx, "k/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Kvs) != keys-1 || string(g.Kvs[0].Key) != "k/0001" || g.Header.Revision != wantRev {
		t.Fatalf("restored member: %d keys from %s at revision %d, want %d from k/0001 at %d", len(g.Kvs), g.Kvs[0].Key, g.Header.Revision, keys-1, wantRev)
	}
}

// latestValues reads a snapshot file's key bucket with bbolt and returns
// the latest version of each live key.
func latestValues(t *testing.T, path string) map[string]*mvccpb.KeyValue {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	latest := map[string]*mvccpb.KeyValue{}
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("key"))
		if b == nil {
			return fmt.Errorf("no key bucket")
		}
		// Revision keys are 8+1+8 bytes, a 't' after them marks a tombstone;
		// they sort by revision, so the last one per key wins.
		return b.ForEach(func(k, v []byte) error {
			var kv mvccpb.KeyValue
			if err := proto.Unmarshal(v, &kv); err != nil {
				return err
			}
			if len(k) == 18 && k[17] == 't' {
				delete(latest, string(kv.Key))
				return nil
			}
			latest[string(kv.Key)] = &kv
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return latest
}

// buildEtcdutl builds etcd's etcdutl (tests/cmd/etcdutl-ref) into the
// test's temporary directory.
func buildEtcdutl(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	bin := filepath.Join(t.TempDir(), "etcdutl-ref")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/etcdutl-ref")
	cmd.Dir = filepath.Join(filepath.Dir(file), "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/etcdutl-ref: %v\n%s", err, out)
	}
	return bin
}
