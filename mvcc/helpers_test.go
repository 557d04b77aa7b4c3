package mvcc

import (
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"path/filepath"
	"testing"
	"time"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

func openTestBackend(t testing.TB, path string) *backend.Backend {
	t.Helper()
	b, err := backend.Open(backend.Config{Path: path, UnsafeNoFsync: true, BatchInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTestStore(t testing.TB) (*WatchableStore, *backend.Backend, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db")
	b := openTestBackend(t, path)
	s, err := NewWatchableStore(b, nil, StoreConfig{CompactionSleepInterval: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.Close()
		_ = b.Close()
	})
	return s, b, path
}

func decodeKV(t testing.TB, v []byte) *mvccpb.KeyValue {
	t.Helper()
	kv := &mvccpb.KeyValue{}
	if err := kv.UnmarshalVT(v); err != nil {
		t.Fatal(err)
	}
	return kv
}
