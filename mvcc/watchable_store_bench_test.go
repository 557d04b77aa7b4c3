package mvcc

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

var benchValue = make([]byte, 256)

func benchKey(i int) []byte { return []byte(fmt.Sprintf("key-%08d", i)) }

// BenchmarkWatchableStoreFanout is one put delivered to every synced
// watcher of its key, spread over 10 watch streams whose channels are
// drained as the server's send loops do.
func BenchmarkWatchableStoreFanout(b *testing.B) {
	for _, watchers := range []int{10, 1000} {
		b.Run(fmt.Sprintf("watchers=%d", watchers), func(b *testing.B) {
			s, _, _ := newTestStore(b)
			key := []byte("fan")
			const streams = 10
			var events, drained sync.WaitGroup
			var wss []WatchStream
			b.Cleanup(func() {
				for _, ws := range wss {
					ws.Close()
				}
				drained.Wait()
			})
			for i := 0; i < streams; i++ {
				ws := s.NewWatchStream()
				wss = append(wss, ws)
				for j := 0; j < watchers/streams; j++ {
					if _, err := ws.Watch(AutoWatchID, key, nil, 0); err != nil {
						b.Fatal(err)
					}
				}
				drained.Add(1)
				go func() {
					defer drained.Done()
					for r := range ws.Chan() {
						for range r.Events {
							events.Done()
						}
					}
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				events.Add(watchers)
				s.Put(key, benchValue, 0)
				events.Wait()
			}
		})
	}
}

// BenchmarkStoreRange is a read transaction's range of one key and of 100
// keys out of 1,000 with 256-byte values.
func BenchmarkStoreRange(b *testing.B) {
	s, _, _ := newTestStore(b)
	const keys = 1000
	for i := 0; i < keys; i++ {
		s.Put(benchKey(i), benchValue, 0)
	}
	s.Commit()
	ks := make([][]byte, keys)
	for i := range ks {
		ks[i] = benchKey(i)
	}
	ctx := context.Background()
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % (keys - n)
				var end []byte
				if n > 1 {
					end = ks[k+n]
				}
				r, err := s.Range(ctx, ks[k], end, RangeOptions{})
				if err != nil || len(r.KVs) != n {
					b.Fatalf("range: %d keys, %v", len(r.KVs), err)
				}
			}
		})
	}
}

// BenchmarkStorePut is a put of a 256-byte value in its own write
// transaction over 10,000 keys.
func BenchmarkStorePut(b *testing.B) {
	s, _, _ := newTestStore(b)
	keys := make([][]byte, 10000)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Put(keys[i%len(keys)], benchValue, 0)
	}
}
