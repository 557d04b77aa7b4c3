package mvcccompat

// Benchmarks of our store. etcdbench/bench_test.go has the same names and
// shapes against etcd 3.7.3's store; run both with
//
//	cd tests && go test -run '^$' -bench . -benchmem ./mvcc/ ./mvcc/etcdbench/

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

func benchStore(b *testing.B) *mvcc.WatchableStore {
	b.Helper()
	be, err := backend.Open(backend.Config{Path: filepath.Join(b.TempDir(), "db"), UnsafeNoFsync: true})
	if err != nil {
		b.Fatal(err)
	}
	s, err := mvcc.NewWatchableStore(be, nil, mvcc.StoreConfig{CompactionSleepInterval: 1})
	if err != nil {
		b.Fatal(err)
	}
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
		s.Put(keys[i%len(keys)], benchValue, 0)
	}
}

func preload(s *mvcc.WatchableStore, keys [][]byte) {
	for _, k := range keys {
		s.Put(k, benchValue, 0)
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
		tw := s.Write(ctx)
		if _, err := tw.Range(ctx, keys[i%1000], nil, mvcc.RangeOptions{}); err != nil {
			b.Fatal(err)
		}
		tw.Put(keys[(i+1)%1000], benchValue, 0)
		tw.Put(keys[(i+2)%1000], benchValue, 0)
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

// compactRevs is the history size of BenchmarkCompact (MVCC_BENCH_COMPACT_REVS,
// default 100,000; 1,000,000 takes minutes per side on a small machine).
func compactRevs() int {
	if v, err := strconv.Atoi(os.Getenv("MVCC_BENCH_COMPACT_REVS")); err == nil && v > 0 {
		return v
	}
	return 100000
}

func BenchmarkCompact(b *testing.B) {
	n := compactRevs()
	keys := benchKeys(1000)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := benchStore(b)
		for j := 0; j < n; j++ {
			s.Put(keys[j%len(keys)], benchValue, 0)
		}
		s.Commit()
		b.StartTimer()
		ch, err := s.Compact(ctx, s.Rev())
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
	var done sync.WaitGroup
	for i := 0; i < watchers; i++ {
		ws := s.NewWatchStream()
		if _, err := ws.Watch(mvcc.AutoWatchID, key, nil, 0); err != nil {
			b.Fatal(err)
		}
		done.Add(1)
		go func() {
			defer done.Done()
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
		s.Put(key, benchValue, 0)
		wg.Wait()
	}
}
