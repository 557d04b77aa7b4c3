//go:build !race

// The race detector makes sync.Pool drop items at random: allocation
// counts are checked without it.

package apply

import (
	"context"
	"fmt"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// TestHotPathAllocs bounds the allocations of applying a put and of a
// range of one key: the response, its header and the result are one
// allocation; the rest is the store's.
func TestHotPathAllocs(t *testing.T) {
	a := newTestApplier(t)
	ctx := context.Background()
	reqs := make([]*pb.InternalRaftRequest, 100)
	for i := range reqs {
		reqs[i] = putReq(&pb.PutRequest{Key: []byte(fmt.Sprintf("key-%03d", i)), Value: make([]byte, 256)})
		a.Apply(ctx, reqs[i])
	}
	i := 0
	tests := []struct {
		name string
		max  float64
		fn   func()
	}{
		{"apply put", 7, func() {
			if res := a.Apply(ctx, reqs[i%len(reqs)]); res.Err != nil {
				t.Fatal(res.Err)
			}
			i++
		}},
		{"range one key", 4, func() {
			if resp, err := Range(ctx, a.kv, &pb.RangeRequest{Key: reqs[7].Put.Key}); err != nil || len(resp.Kvs) != 1 {
				t.Fatal(resp, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn()
			if got := testing.AllocsPerRun(100, tt.fn); got > tt.max {
				t.Fatalf("%v allocations, want at most %v", got, tt.max)
			}
		})
	}
}
