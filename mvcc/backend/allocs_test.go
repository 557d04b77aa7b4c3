//go:build !race

// The race detector makes sync.Pool drop items at random: allocation
// counts are checked without it.

package backend

import (
	"bytes"
	"fmt"
	"testing"
)

// TestReadTxGetDoesNotAllocate: a point read of a committed key through
// the shared read transaction allocates nothing (bucket handles and
// cursors are reused), in a tree deep enough for the cursor to descend.
func TestReadTxGetDoesNotAllocate(t *testing.T) {
	b := openTest(t, Config{})
	val := bytes.Repeat([]byte("v"), 256)
	kvs := make([]string, 0, 2*5000)
	for i := 0; i < 5000; i++ {
		kvs = append(kvs, fmt.Sprintf("key-%05d", i), string(val))
	}
	put(b, Key, kvs...)
	b.ForceCommit()
	put(b, Key, "buffered", "x")
	r := b.ReadTx()
	keys := [][]byte{[]byte("key-00010"), []byte("key-04321")}
	vals := make([][]byte, len(keys))
	tests := []struct {
		name string
		fn   func()
	}{
		{"UnsafeGet", func() {
			if v := r.UnsafeGet(Key, keys[1]); !bytes.Equal(v, val) {
				t.Fatalf("got %q", v)
			}
		}},
		{"UnsafeGet absent", func() {
			if v := r.UnsafeGet(Key, []byte("key-99999")); v != nil {
				t.Fatalf("got %q", v)
			}
		}},
		{"UnsafeGet buffered", func() {
			if v := r.UnsafeGet(Key, []byte("buffered")); string(v) != "x" {
				t.Fatalf("got %q", v)
			}
		}},
		{"UnsafeGetMany", func() {
			r.UnsafeGetMany(Key, keys, vals)
			if !bytes.Equal(vals[0], val) || !bytes.Equal(vals[1], val) {
				t.Fatalf("got %q", vals)
			}
		}},
	}
	r.RLock()
	defer r.RUnlock()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn()
			if got := testing.AllocsPerRun(100, tt.fn); got != 0 {
				t.Fatalf("%v allocations, want none", got)
			}
		})
	}
}
