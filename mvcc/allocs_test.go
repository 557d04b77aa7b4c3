//go:build !race

// The race detector makes sync.Pool drop items at random: allocation
// counts are checked without it.

package mvcc

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestHotPathAllocs bounds the allocations of the store's hot paths, so
// that a regression shows in the test suite and not only in benchmarks.
func TestHotPathAllocs(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	keys := make([][]byte, 1000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key-%04d", i))
		s.Put(keys[i], benchValue, 0)
	}
	s.Commit()

	// Watchers of a key whose responses are drained as the server does.
	fan := []byte("fan")
	ws := s.NewWatchStream()
	for i := 0; i < 100; i++ {
		if _, err := ws.Watch(AutoWatchID, fan, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	var events sync.WaitGroup
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for r := range ws.Chan() {
			for range r.Events {
				events.Done()
			}
		}
	}()
	defer func() { ws.Close(); <-drained }()

	fresh := make([][]byte, 200)
	for i := range fresh {
		fresh[i] = []byte(fmt.Sprintf("new-%04d", i))
	}
	tests := []struct {
		name string
		max  float64
		fn   func()
	}{
		// The read transaction, the result (with its key-value) and the
		// value's bytes.
		{"range one key", 3, func() {
			if r, err := s.Range(ctx, keys[7], nil, RangeOptions{}); err != nil || len(r.KVs) != 1 {
				t.Fatal(r, err)
			}
		}},
		// The read transaction, the result, the key-values, their pointers
		// and their bytes: not one per key.
		{"range 100 keys", 5, func() {
			if r, err := s.Range(ctx, keys[100], keys[200], RangeOptions{}); err != nil || len(r.KVs) != 100 {
				t.Fatal(r, err)
			}
		}},
		// The write transaction, its revision's backend key and value,
		// the index revision and bbolt's own (a key copy, a cursor).
		{"put of an existing key", 8, func() { s.Put(keys[9], benchValue, 0) }},
		// The same, but the index entry of a new key instead of a
		// revision: the key's copy and one allocation for the rest.
		{"put of a new key", 9, func() {
			s.Put(fresh[0], benchValue, 0)
			fresh = fresh[1:]
		}},
		// One put delivered to 100 synced watchers: not one allocation
		// per watcher.
		{"put to 100 watchers", 10, func() {
			events.Add(100)
			s.Put(fan, benchValue, 0)
			events.Wait()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn() // warm the pools
			if got := testing.AllocsPerRun(100, tt.fn); got > tt.max {
				t.Fatalf("%v allocations, want at most %v", got, tt.max)
			}
		})
	}
}
