package v3rpc

import (
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// FuzzCheckTxn feeds arbitrary wire bytes, decoded as a TxnRequest, to the
// validation that runs before a proposal: it must never panic, must give
// the same answer twice, and must never accept a branch that puts one key
// twice.
func FuzzCheckTxn(f *testing.F) {
	seeds := []*pb.TxnRequest{
		{},
		{Compare: []*pb.Compare{{Key: []byte("a"), Target: pb.Compare_VALUE, TargetUnion: &pb.Compare_Value{Value: []byte("x")}}}},
		{Success: []*pb.RequestOp{put("a"), put("a")}},
		{Success: []*pb.RequestOp{put("a"), del("a", "\x00")}},
		{Success: []*pb.RequestOp{txn([]*pb.RequestOp{put("b")}, []*pb.RequestOp{put("b")}), put("c")}},
		{Failure: []*pb.RequestOp{{Request: &pb.RequestOp_RequestRange{RequestRange: &pb.RangeRequest{Key: []byte("k"), SortOrder: 7}}}}},
	}
	for _, s := range seeds {
		b, err := s.MarshalVT()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r pb.TxnRequest
		if err := r.UnmarshalVT(data); err != nil {
			return
		}
		err1 := checkTxn(&r, 128)
		err2 := checkTxn(&r, 128)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("checkTxn not deterministic: %v then %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		for _, branch := range [][]*pb.RequestOp{r.Success, r.Failure} {
			seen := map[string]bool{}
			for _, op := range branch {
				if p, ok := op.Request.(*pb.RequestOp_RequestPut); ok {
					k := string(p.RequestPut.Key)
					if seen[k] {
						t.Fatalf("accepted a branch that puts %q twice", k)
					}
					seen[k] = true
				}
			}
		}
	})
}
