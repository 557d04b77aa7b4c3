package v3rpc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

// maintMember is a single-member server with its gRPC services on an
// in-memory listener; logs records the server's and the services' logs.
type maintMember struct {
	s    *etcdserver.EtcdServer
	conn *grpc.ClientConn
	logs *observer.ObservedLogs
}

func (m *maintMember) kv() pb.KVClient                   { return pb.NewKVClient(m.conn) }
func (m *maintMember) maintenance() pb.MaintenanceClient { return pb.NewMaintenanceClient(m.conn) }

func newMaintMember(t *testing.T, quota int64) *maintMember {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	lg := zap.New(core)
	s := startMember(t, etcdserver.Config{QuotaBackendBytes: quota, Logger: lg})
	conn := serveConn(t, s, Config{Logger: lg})
	return &maintMember{s: s, conn: conn, logs: logs}
}

func (m *maintMember) put(t *testing.T, ctx context.Context, key, val string) *pb.PutResponse {
	t.Helper()
	resp, err := m.kv().Put(ctx, &pb.PutRequest{Key: []byte(key), Value: []byte(val)})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (m *maintMember) wantLogs(t *testing.T, msgs ...string) {
	t.Helper()
	for _, msg := range msgs {
		if m.logs.FilterMessage(msg).Len() == 0 {
			t.Errorf("no log line %q", msg)
		}
	}
}

// TestSnapshotStream: the stream is etcd's: 32 KiB blobs whose
// remaining_bytes count what follows them, then the sha256 of the file as
// a last blob with remaining_bytes 0, the storage version on each; the
// bytes are a bbolt file holding the keys.
func TestSnapshotStream(t *testing.T) {
	m := newMaintMember(t, 0)
	ctx := context.Background()
	val := string(bytes.Repeat([]byte("v"), 1000))
	for i := 0; i < 200; i++ {
		m.put(t, ctx, fmt.Sprintf("key-%04d", i), val)
	}
	stream, err := m.maintenance().Snapshot(ctx, &pb.SnapshotRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var resps []*pb.SnapshotResponse
	for {
		r, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		resps = append(resps, r)
	}
	if len(resps) < 3 {
		t.Fatalf("%d responses", len(resps))
	}
	var data []byte
	for _, r := range resps[:len(resps)-1] {
		data = append(data, r.Blob...)
	}
	total := uint64(len(data))
	var sent uint64
	for i, r := range resps[:len(resps)-1] {
		if i < len(resps)-2 && len(r.Blob) != snapshotChunkSize {
			t.Fatalf("blob %d of %d bytes, want %d", i, len(r.Blob), snapshotChunkSize)
		}
		sent += uint64(len(r.Blob))
		if r.RemainingBytes != total-sent {
			t.Fatalf("blob %d: remaining %d, want %d", i, r.RemainingBytes, total-sent)
		}
	}
	last := resps[len(resps)-1]
	sum := sha256.Sum256(data)
	if last.RemainingBytes != 0 || !bytes.Equal(last.Blob, sum[:]) {
		t.Fatalf("last response: remaining %d blob %x, want 0 and sha256 %x", last.RemainingBytes, last.Blob, sum)
	}
	if total%512 != 0 || (total+sha256.Size)%512 != sha256.Size {
		t.Fatalf("file of %d bytes: etcdutl would not find the checksum", total)
	}
	for i, r := range resps {
		if r.Version != StorageVersion {
			t.Fatalf("response %d: version %q, want %q", i, r.Version, StorageVersion)
		}
	}
	keys := boltKeyCount(t, data)
	if keys != 200 {
		t.Fatalf("snapshot holds %d revisions of keys, want 200", keys)
	}
	m.wantLogs(t, "sending database snapshot to client", "sending database sha256 checksum to client", "successfully sent database snapshot to client")
}

// boltKeyCount opens data as a bbolt file and counts the key bucket.
func boltKeyCount(t *testing.T, data []byte) int {
	t.Helper()
	p := filepath.Join(t.TempDir(), "snap.db")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(p, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("key"))
		if b == nil {
			return errors.New("no key bucket")
		}
		n = b.Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDefragmentShrinks: after deletes and a compaction, Defragment
// shrinks the file, answers without a header (as etcd), and the data and
// later writes are intact.
func TestDefragmentShrinks(t *testing.T) {
	m := newMaintMember(t, 0)
	ctx := context.Background()
	val := string(bytes.Repeat([]byte("v"), 4096))
	for i := 0; i < 500; i++ {
		m.put(t, ctx, fmt.Sprintf("key-%04d", i), val)
	}
	del, err := m.kv().DeleteRange(ctx, &pb.DeleteRangeRequest{Key: []byte("key-0"), RangeEnd: []byte("key-0450")})
	if err != nil || del.Deleted != 450 {
		t.Fatalf("delete: %v %v", del, err)
	}
	if _, err := m.kv().Compact(ctx, &pb.CompactionRequest{Revision: del.Header.Revision, Physical: true}); err != nil {
		t.Fatal(err)
	}
	st, err := m.maintenance().Status(ctx, &pb.StatusRequest{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.maintenance().Defragment(ctx, &pb.DefragmentRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header != nil {
		t.Fatalf("defragment answered with header %v; etcd sends none", resp.Header)
	}
	st2, err := m.maintenance().Status(ctx, &pb.StatusRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if st2.DbSize >= st.DbSize || st2.DbSizeInUse > st2.DbSize || st2.DbSize > 2*st.DbSizeInUse {
		t.Fatalf("db size %d (in use %d) -> %d (in use %d)", st.DbSize, st.DbSizeInUse, st2.DbSize, st2.DbSizeInUse)
	}
	rr, err := m.kv().Range(ctx, &pb.RangeRequest{Key: []byte("key-"), RangeEnd: []byte("key."), CountOnly: true})
	if err != nil || rr.Count != 50 {
		t.Fatalf("range after defrag: %v %v", rr, err)
	}
	m.put(t, ctx, "after", "defrag")
	rr, err = m.kv().Range(ctx, &pb.RangeRequest{Key: []byte("after")})
	if err != nil || len(rr.Kvs) != 1 || string(rr.Kvs[0].Value) != "defrag" {
		t.Fatalf("write after defrag: %v %v", rr, err)
	}
	m.wantLogs(t, "starting defragment", "defragmenting", "finished defragmenting directory", "finished defragment")
}

// TestDefragmentUnderLoad is for -race: a writer, a reader and a watcher
// keep going through several defragmentations; every write is seen once
// by the watcher, in order, and is readable.
func TestDefragmentUnderLoad(t *testing.T) {
	m := newMaintMember(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := m.put(t, ctx, "w-start", "x").Header.Revision

	wc, err := pb.NewWatchClient(m.conn).Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := wc.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{
		Key: []byte("w-"), RangeEnd: []byte("w."), StartRevision: first + 1,
	}}}); err != nil {
		t.Fatal(err)
	}
	if r, err := wc.Recv(); err != nil || !r.Created {
		t.Fatalf("watch create: %v %v", r, err)
	}

	const writes = 300
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(2)
	go func() { // writer
		defer wg.Done()
		for i := 0; i < writes; i++ {
			if _, err := m.kv().Put(ctx, &pb.PutRequest{Key: []byte(fmt.Sprintf("w-%04d", i)), Value: []byte(fmt.Sprint(i))}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() { // defragmenter
		defer wg.Done()
		for i := 0; i < 5; i++ {
			if _, err := m.maintenance().Defragment(ctx, &pb.DefragmentRequest{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	readerDone := make(chan struct{})
	go func() { // reader: serializable ranges see a prefix of the writes
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			rr, err := m.kv().Range(ctx, &pb.RangeRequest{Key: []byte("w-0"), RangeEnd: []byte("w-9"), Serializable: true})
			if err != nil {
				t.Error(err)
				return
			}
			for i, kv := range rr.Kvs {
				if string(kv.Key) != fmt.Sprintf("w-%04d", i) {
					t.Errorf("read %d: key %s, not a prefix of the writes", i, kv.Key)
					return
				}
			}
		}
	}()

	var events []*mvccpb.Event
	for len(events) < writes {
		r, err := wc.Recv()
		if err != nil {
			t.Fatalf("watch after %d events: %v", len(events), err)
		}
		events = append(events, r.Events...)
	}
	wg.Wait()
	close(stop)
	<-readerDone
	if len(events) != writes {
		t.Fatalf("%d events for %d writes", len(events), writes)
	}
	for i, ev := range events {
		if string(ev.Kv.Key) != fmt.Sprintf("w-%04d", i) || ev.Kv.ModRevision != first+1+int64(i) {
			t.Fatalf("event %d: %s at %d, want w-%04d at %d", i, ev.Kv.Key, ev.Kv.ModRevision, i, first+1+int64(i))
		}
	}
	rr, err := m.kv().Range(ctx, &pb.RangeRequest{Key: []byte("w-0"), RangeEnd: []byte("w-9"), CountOnly: true})
	if err != nil || rr.Count != writes {
		t.Fatalf("after the load: %v %v", rr, err)
	}
}

// TestStatusQuota: Status reports etcd's default quota (2 GiB) when none is
// configured, and the configured one otherwise.
func TestStatusQuota(t *testing.T) {
	for _, tc := range []struct {
		name        string
		quota, want int64
	}{
		{"unset", 0, 2 * 1024 * 1024 * 1024},
		{"set", 8 * 1024 * 1024, 8 * 1024 * 1024},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMaintMember(t, tc.quota)
			st, err := m.maintenance().Status(context.Background(), &pb.StatusRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if st.DbSizeQuota != tc.want {
				t.Fatalf("dbSizeQuota %d, want %d", st.DbSizeQuota, tc.want)
			}
		})
	}
}
