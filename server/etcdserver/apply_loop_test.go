package etcdserver

import (
	"context"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
)

// TestApplyTakesProposedRequest shows where the apply loop gets an entry's
// request: from the registry while its proposer waits, else by decoding.
// The registered request differs from the entry's bytes here only so that
// the test can tell which one was applied; in the server they are the same
// request.
func TestApplyTakesProposedRequest(t *testing.T) {
	s := newUnstartedServer(t)
	next := nextApplyIndex(s)
	apply1 := func(id uint64, proposed *pb.InternalRaftRequest) *apply.Result {
		t.Helper()
		entry := &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: id}, Put: &pb.PutRequest{Key: []byte("k"), Value: []byte("from the entry")}}
		var ch chan any
		if proposed != nil {
			ch = s.wait.Register(id, proposed)
		}
		s.apply.applyEntry(&raftpb.Entry{Term: proto.Uint64(1), Index: proto.Uint64(next), Type: raftpb.EntryNormal.Enum(), Data: mustMarshal(t, entry)})
		next++
		if ch == nil {
			return nil
		}
		if s.wait.Waiting(id) {
			t.Fatal("the waiter was not triggered")
		}
		res, _ := (<-ch).(*apply.Result)
		return res
	}
	value := func() string {
		t.Helper()
		rr, err := s.kv.Range(context.Background(), []byte("k"), nil, mvcc.RangeOptions{})
		if err != nil || len(rr.KVs) != 1 {
			t.Fatal(rr, err)
		}
		return string(rr.KVs[0].Value)
	}

	res := apply1(100, &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: 100}, Put: &pb.PutRequest{Key: []byte("k"), Value: []byte("as proposed")}})
	if res == nil || res.Err != nil {
		t.Fatalf("result %+v", res)
	}
	if got := value(); got != "as proposed" {
		t.Fatalf("value %q after applying a request proposed here, want the proposed request's", got)
	}
	apply1(101, nil)
	if got := value(); got != "from the entry" {
		t.Fatalf("value %q after applying another member's request, want the entry's", got)
	}
}
