package codec

import (
	"bytes"
	"math/rand/v2"
	"sync"
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// watchResponse is a watch response of one put of a value of n bytes.
func watchResponse(n int) *pb.WatchResponse {
	return &pb.WatchResponse{
		Header:  &pb.ResponseHeader{ClusterId: 1, MemberId: 2, Revision: int64(n), RaftTerm: 3},
		WatchId: int64(n),
		Events: []*mvccpb.Event{{Kv: &mvccpb.KeyValue{
			Key: []byte("key"), Value: bytes.Repeat([]byte{byte(n)}, n), CreateRevision: 1, ModRevision: int64(n), Version: 2,
		}}},
	}
}

// TestMarshalKeepsMessagesApart marshals messages of sizes around the
// pooling threshold and the slab size, keeping them all, and checks each
// still holds its own bytes: no two share a byte of a slab.
func TestMarshalKeepsMessagesApart(t *testing.T) {
	var sizes []int
	for n := 0; n < 1500; n += 7 {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 1000, 1001, 1002, 1003, 4096, 5000)
	out := make([]mem.BufferSlice, len(sizes))
	for i, n := range sizes {
		d, err := Codec{}.Marshal(watchResponse(n))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = d
	}
	for i, n := range sizes {
		want, err := proto.MarshalOptions{Deterministic: true}.Marshal(watchResponse(n))
		if err != nil {
			t.Fatal(err)
		}
		if got := out[i].Materialize(); !bytes.Equal(got, want) {
			t.Fatalf("message %d (%d bytes of value) changed after later marshals", i, n)
		}
	}
	for _, i := range rand.Perm(len(out)) {
		out[i].Free()
	}
}

// countingPool is a BufferPool that records what is out.
type countingPool struct {
	mu  sync.Mutex
	out map[*byte]int // first byte of each buffer out -> its capacity
}

func (p *countingPool) Get(n int) *[]byte {
	b := make([]byte, n, max(n, slabSize))
	p.mu.Lock()
	p.out[&b[:1][0]] = cap(b)
	p.mu.Unlock()
	return &b
}

func (p *countingPool) Put(b *[]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := &(*b)[:1][0]
	if _, ok := p.out[k]; !ok {
		panic("put of a buffer that is not out")
	}
	delete(p.out, k)
}

// TestCarverReturnsEverySlab checks the contract with grpc: the buffers
// returned are freed by their holder, and once all are freed and the
// carver has let go of its slab, every buffer is back in the pool.
func TestCarverReturnsEverySlab(t *testing.T) {
	pool := &countingPool{out: map[*byte]int{}}
	c := &carver{pool: pool}
	var out []mem.BufferSlice
	for i := 0; i < 200; i++ {
		m := watchResponse(i * 11) // up to ~2 KiB: slabs and own buffers
		b, err := c.marshal(m, m.SizeVT())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c.slice(b))
	}
	if len(pool.out) < 2 {
		t.Fatalf("%d buffers out of the pool, want several slabs and large messages", len(pool.out))
	}
	for _, i := range rand.Perm(len(out)) {
		out[i].Free()
	}
	if len(pool.out) != 1 {
		t.Fatalf("%d buffers out after every message is freed, want the current slab only", len(pool.out))
	}
	c.release()
	if len(pool.out) != 0 {
		t.Fatalf("%d buffers never returned to the pool", len(pool.out))
	}
}

// TestMarshalConcurrent marshals, checks and frees from several goroutines
// (for the race detector: slabs are shared by goroutines on one P in turn).
func TestMarshalConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var held []mem.BufferSlice
			for i := 0; i < 300; i++ {
				n := (i*37 + g) % 1200
				d, err := Codec{}.Marshal(watchResponse(n))
				if err != nil {
					t.Error(err)
					return
				}
				var got pb.WatchResponse
				if err := got.UnmarshalVT(d.Materialize()); err != nil || got.WatchId != int64(n) || len(got.Events[0].Kv.Value) != n {
					t.Errorf("message %d: %v", n, err)
					return
				}
				if held = append(held, d); len(held) > 5 {
					held[0].Free()
					held = held[1:]
				}
			}
			for _, d := range held {
				d.Free()
			}
		}()
	}
	wg.Wait()
}
