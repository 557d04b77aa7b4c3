// Package etcdbench runs the benchmark shapes of tests/mvcc against etcd
// 3.7.3's own mvcc store, for comparison (same names, same shapes).
package etcdbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"go.uber.org/zap"

	"go.etcd.io/etcd/pkg/v3/traceutil"
	"go.etcd.io/etcd/server/v3/lease"
	"go.etcd.io/etcd/server/v3/storage/backend"
	"go.etcd.io/etcd/server/v3/storage/mvcc"
)

func benchStore(b *testing.B) mvcc.WatchableKV {
	b.Helper()
	cfg := backend.DefaultBackendConfig(zap.NewNop())
	cfg.Path = filepath.Join(b.TempDir(), "db")
	cfg.UnsafeNoFsync = true
	be := backend.New(cfg)
	s := mvcc.New(zap.NewNop(), be, &lease.FakeLessor{}, mvcc.StoreConfig{CompactionSleepInterval: 1})
	b.Cleanup(func() { _ = s.Close(); _ = be.Close() })
	return s
}

func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key-%08d", i))
	}
	return keys
}

var benchValue = make([]byte, 64)

func BenchmarkPut(b *testing.B) {
	s := benchStore(b)
	keys := benchKeys(10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Put(keys[i%len(keys)], benchValue, lease.NoLease)
	}
}

func preload(s mvcc.WatchableKV, keys [][]byte) {
	for _, k := range keys {
		s.Put(k, benchValue, lease.NoLease)
	}
	s.Commit()
}

func BenchmarkRange1(b *testing.B) {
	s := benchStore(b)
	keys := benchKeys(1000)
	preload(s, keys)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.Range(ctx, keys[i%len(keys)], nil, mvcc.RangeOptions{})
		if err != nil || len(r.KVs) != 1 {
			b.Fatal(err)
		}
	}
}

func BenchmarkRange1000(b *testing.B) {
	s := benchStore(b)
	keys := benchKeys(1000)
	preload(s, keys)
	ctx := context.Background()
	end := []byte("key-99999999")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.Range(ctx, keys[0], end, mvcc.RangeOptions{})
		if err != nil || len(r.KVs) != 1000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkTxn(b *testing.B) {
	s := benchStore(b)
	keys := benchKeys(1000)
	preload(s, keys)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tw := s.Write(traceutil.TODO())
		if _, err := tw.Range(ctx, keys[i%1000], nil, mvcc.RangeOptions{}); err != nil {
			b.Fatal(err)
		}
		tw.Put(keys[(i+1)%1000], benchValue, lease.NoLease)
		tw.Put(keys[(i+2)%1000], benchValue, lease.NoLease)
		tw.End()
	}
}

func BenchmarkDelete(b *testing.B) {
	s := benchStore(b)
	keys := benchKeys(b.N)
	preload(s, keys)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n, _ := s.DeleteRange(keys[i], nil); n != 1 {
			b.Fatal(n)
		}
	}
}

func compactRevs() int {
	if v, err := strconv.Atoi(os.Getenv("MVCC_BENCH_COMPACT_REVS")); err == nil && v > 0 {
		return v
	}
	return 100000
}

func BenchmarkCompact(b *testing.B) {
	n := compactRevs()
	keys := benchKeys(1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := benchStore(b)
		for j := 0; j < n; j++ {
			s.Put(keys[j%len(keys)], benchValue, lease.NoLease)
		}
		s.Commit()
		b.StartTimer()
		ch, err := s.Compact(traceutil.TODO(), s.Rev())
		if err != nil {
			b.Fatal(err)
		}
		<-ch
	}
	b.ReportMetric(float64(n), "revs")
}

func BenchmarkWatchFanout10k(b *testing.B) {
	const watchers = 10000
	s := benchStore(b)
	key := []byte("fan")
	var wg sync.WaitGroup
	for i := 0; i < watchers; i++ {
		ws := s.NewWatchStream()
		if _, err := ws.Watch(context.Background(), 0, key, nil, 0); err != nil {
			b.Fatal(err)
		}
		go func() {
			for r := range ws.Chan() {
				for range r.Events {
					wg.Done()
				}
			}
		}()
		b.Cleanup(ws.Close)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wg.Add(watchers)
		s.Put(key, benchValue, lease.NoLease)
		wg.Wait()
	}
}
