package mvcc

import (
	"path/filepath"

	"context"
	"errors"
	"github.com/prometheus/client_golang/prometheus"
	"testing"
)

func TestStoreBasic(t *testing.T) {
	s, b, path := newTestStore(t)
	ctx := context.Background()
	if rev := s.Put([]byte("a"), []byte("1"), 0); rev != 2 {
		t.Fatalf("rev %d", rev)
	}
	s.Put([]byte("a"), []byte("2"), 0)
	s.Put([]byte("b"), []byte("3"), 0)
	r, err := s.Range(ctx, []byte("a"), []byte("c"), RangeOptions{})
	if err != nil || len(r.KVs) != 2 || r.Rev != 4 || r.Count != 2 {
		t.Fatalf("%v %+v", err, r)
	}
	kv := r.KVs[0]
	if string(kv.Value) != "2" || kv.CreateRevision != 2 || kv.ModRevision != 3 || kv.Version != 2 {
		t.Fatalf("%+v", kv)
	}
	if n, rev := s.DeleteRange([]byte("a"), nil); n != 1 || rev != 5 {
		t.Fatal(n, rev)
	}
	r, _ = s.Range(ctx, []byte("a"), nil, RangeOptions{Rev: 3})
	if len(r.KVs) != 1 || string(r.KVs[0].Value) != "2" {
		t.Fatalf("%+v", r)
	}
	ch, err := s.Compact(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	<-ch
	if _, err := s.Range(ctx, []byte("a"), nil, RangeOptions{Rev: 3}); !errors.Is(err, ErrCompacted) {
		t.Fatal(err)
	}
	if _, err := s.Range(ctx, []byte("a"), nil, RangeOptions{Rev: 30}); !errors.Is(err, ErrFutureRev) {
		t.Fatal(err)
	}
	h1, _, err := s.HashByRev(0)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	_ = b.Close()
	b2 := openTestBackend(t, path)
	defer b2.Close()
	s2, err := NewStore(b2, nil, StoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Rev() != 5 || s2.FirstRev() != 4 {
		t.Fatal(s2.Rev(), s2.FirstRev())
	}
	h2, _, _ := s2.HashByRev(0)
	if h1 != h2 {
		t.Fatal(h1, h2)
	}
}

func TestMetricsRegistered(t *testing.T) {
	reg := prometheus.NewRegistry()
	b := openTestBackend(t, filepath.Join(t.TempDir(), "db"))
	defer b.Close()
	s, err := NewWatchableStore(b, nil, StoreConfig{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Put([]byte("a"), []byte("b"), 0)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		got[mf.GetName()] = mf.GetMetric()[0].GetGauge().GetValue()
	}
	if got["etcd_debugging_mvcc_current_revision"] != 2 || got["etcd_debugging_mvcc_keys_total"] != 1 {
		t.Fatalf("%v", got)
	}
	if _, ok := got["etcd_mvcc_db_total_size_in_bytes"]; !ok {
		t.Fatalf("%v", got)
	}
}
