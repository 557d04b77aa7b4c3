package apply

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// TestApplyIgnoresEncodingLoss: the member that proposed a request applies
// it as it arrived from the client, the others apply the decoded entry.
// Marshalling loses what proto3 cannot encode (an empty bytes field that
// was present), so the two must apply alike: same responses, same store.
func TestApplyIgnoresEncodingLoss(t *testing.T) {
	empty := []byte{}
	reqs := []*pb.InternalRaftRequest{
		{Put: &pb.PutRequest{Key: []byte("a"), Value: empty}},
		{Put: &pb.PutRequest{Key: []byte("b"), Value: []byte("1"), PrevKv: true}},
		{Put: &pb.PutRequest{Key: []byte("b"), Value: empty, PrevKv: true}},
		{Put: &pb.PutRequest{Key: []byte("c"), Value: []byte("2")}},
		{Range: &pb.RangeRequest{Key: []byte("a"), RangeEnd: empty}},
		{Range: &pb.RangeRequest{Key: []byte("a"), RangeEnd: []byte{0}}},
		{Txn: &pb.TxnRequest{
			Compare: []*pb.Compare{{Key: []byte("a"), RangeEnd: empty, Target: pb.Compare_VALUE, TargetUnion: &pb.Compare_Value{Value: empty}}},
			Success: []*pb.RequestOp{
				{Request: &pb.RequestOp_RequestRange{RequestRange: &pb.RangeRequest{Key: []byte("a"), RangeEnd: empty}}},
				{Request: &pb.RequestOp_RequestPut{RequestPut: &pb.PutRequest{Key: []byte("d"), Value: empty, PrevKv: true}}},
			},
			Failure: []*pb.RequestOp{{Request: &pb.RequestOp_RequestPut{RequestPut: &pb.PutRequest{Key: []byte("e")}}}},
		}},
		{Txn: &pb.TxnRequest{
			Compare: []*pb.Compare{{Key: []byte("a"), RangeEnd: []byte{0}, Target: pb.Compare_VERSION, TargetUnion: &pb.Compare_Version{Version: 0}, Result: pb.Compare_GREATER}},
			Success: []*pb.RequestOp{
				{Request: &pb.RequestOp_RequestTxn{RequestTxn: &pb.TxnRequest{Success: []*pb.RequestOp{
					{Request: &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: &pb.DeleteRangeRequest{Key: []byte("c"), RangeEnd: empty, PrevKv: true}}},
				}}}},
			},
		}},
		{DeleteRange: &pb.DeleteRangeRequest{Key: []byte("b"), RangeEnd: empty, PrevKv: true}},
		{DeleteRange: &pb.DeleteRangeRequest{Key: []byte("a"), RangeEnd: []byte{0}, PrevKv: true}},
	}
	here, there := newTestApplier(t), newTestApplier(t)
	ctx := context.Background()
	for i, r := range reqs {
		data, err := r.MarshalVT()
		if err != nil {
			t.Fatal(err)
		}
		var decoded pb.InternalRaftRequest
		if err := decoded.UnmarshalVT(data); err != nil {
			t.Fatal(err)
		}
		a, b := here.Apply(ctx, r), there.Apply(ctx, &decoded)
		if fmt.Sprint(a.Err) != fmt.Sprint(b.Err) {
			t.Fatalf("request %d: errors %v and %v", i, a.Err, b.Err)
		}
		if ma, mb := marshalResp(t, a), marshalResp(t, b); !bytes.Equal(ma, mb) {
			t.Fatalf("request %d: responses differ:\n%v\n%v", i, a.Resp, b.Resp)
		}
		if sa, sb := dump(t, here), dump(t, there); sa != sb {
			t.Fatalf("request %d: stores differ:\n%s\n%s", i, sa, sb)
		}
	}
}

func marshalResp(t *testing.T, r *Result) []byte {
	t.Helper()
	if r.Resp == nil {
		return nil
	}
	b, err := r.Resp.(interface{ MarshalVT() ([]byte, error) }).MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dump is every key-value of the store at its revision, and the revision.
func dump(t *testing.T, a *Applier) string {
	t.Helper()
	rr, err := a.kv.Range(context.Background(), []byte{0}, []byte{}, mvcc.RangeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("rev %d %v", rr.Rev, rr.KVs)
}
