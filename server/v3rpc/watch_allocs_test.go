//go:build !race

// The race detector makes sync.Pool drop items at random: allocation
// counts are checked without it.

package v3rpc

import (
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// TestSendAllocs bounds the allocations of a send loop that sends one put
// to 100 watchers of its stream: the responses of a batch are one
// allocation.
func TestSendAllocs(t *testing.T) {
	const watchers = 100
	ids := make([]mvcc.WatchID, watchers)
	for i := range ids {
		ids[i] = mvcc.WatchID(i)
	}
	s, ms, gs := newTestSender(ids...)
	gs.count = true
	for _, id := range ids {
		s.control(&pb.WatchResponse{Header: &pb.ResponseHeader{}, WatchId: int64(id), Created: true})
	}
	evs := []*mvccpb.Event{ev(5)}
	got := testing.AllocsPerRun(100, func() {
		for _, id := range ids[1:] {
			ms.ch <- mvcc.WatchResponse{WatchID: id, Events: evs, Revision: 5}
		}
		if !s.responses(mvcc.WatchResponse{WatchID: ids[0], Events: evs, Revision: 5}) {
			t.Fatal("stream ended")
		}
	})
	if got > 1 {
		t.Fatalf("a batch of %d responses: %v allocations, want 1", watchers, got)
	}
}
