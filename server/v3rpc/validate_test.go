package v3rpc

import (
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

func put(k string) *pb.RequestOp {
	return &pb.RequestOp{Request: &pb.RequestOp_RequestPut{RequestPut: &pb.PutRequest{Key: []byte(k)}}}
}

func del(k, end string) *pb.RequestOp {
	d := &pb.DeleteRangeRequest{Key: []byte(k)}
	if end != "" {
		d.RangeEnd = []byte(end)
	}
	return &pb.RequestOp{Request: &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: d}}
}

func txn(then, els []*pb.RequestOp) *pb.RequestOp {
	return &pb.RequestOp{Request: &pb.RequestOp_RequestTxn{RequestTxn: &pb.TxnRequest{Success: then, Failure: els}}}
}

func TestCheckTxn(t *testing.T) {
	tests := []struct {
		name string
		ops  []*pb.RequestOp
		want error
	}{
		{"distinct puts", []*pb.RequestOp{put("a"), put("b")}, nil},
		{"duplicate put", []*pb.RequestOp{put("a"), put("a")}, rpctypes.ErrGRPCDuplicateKey},
		{"put in deleted range", []*pb.RequestOp{del("a", "c"), put("b")}, rpctypes.ErrGRPCDuplicateKey},
		{"put outside deleted range", []*pb.RequestOp{del("a", "c"), put("c")}, nil},
		{"put after from-key delete", []*pb.RequestOp{del("a", "\x00"), put("z")}, rpctypes.ErrGRPCDuplicateKey},
		{"overlapping deletes", []*pb.RequestOp{del("a", "c"), del("b", "d")}, nil},
		{"nested then/else same key", []*pb.RequestOp{txn([]*pb.RequestOp{put("a")}, []*pb.RequestOp{put("a")})}, nil},
		{"nested and outer", []*pb.RequestOp{put("a"), txn([]*pb.RequestOp{put("a")}, nil)}, rpctypes.ErrGRPCDuplicateKey},
		{"two nested", []*pb.RequestOp{txn([]*pb.RequestOp{put("a")}, nil), txn(nil, []*pb.RequestOp{put("a")})}, rpctypes.ErrGRPCDuplicateKey},
		{"nested delete outer put", []*pb.RequestOp{txn([]*pb.RequestOp{del("a", "")}, nil), put("a")}, rpctypes.ErrGRPCDuplicateKey},
		{"too many", []*pb.RequestOp{put("1"), put("2"), put("3"), put("4"), put("5")}, rpctypes.ErrGRPCTooManyOps},
		{"empty key", []*pb.RequestOp{put("")}, rpctypes.ErrGRPCEmptyKey},
		{"one put", []*pb.RequestOp{put("a")}, nil},
		{"one delete", []*pb.RequestOp{del("a", "\x00")}, nil},
		{"lone nested with duplicate", []*pb.RequestOp{txn([]*pb.RequestOp{put("a"), put("a")}, nil)}, rpctypes.ErrGRPCDuplicateKey},
		{"lone nested put in its delete", []*pb.RequestOp{txn(nil, []*pb.RequestOp{del("a", "c"), put("b")})}, rpctypes.ErrGRPCDuplicateKey},
		{"twice nested with duplicate", []*pb.RequestOp{txn([]*pb.RequestOp{txn([]*pb.RequestOp{put("a")}, nil), put("a")}, nil)}, rpctypes.ErrGRPCDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkTxn(&pb.TxnRequest{Success: tt.ops}, 4); got != tt.want {
				t.Fatalf("checkTxn = %v, want %v", got, tt.want)
			}
			if got := checkTxn(&pb.TxnRequest{Failure: tt.ops}, 4); got != tt.want {
				t.Fatalf("checkTxn of the failure branch = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCheckTxnOneOpAllocs: the usual txn, one op per branch, is checked
// without allocating.
func TestCheckTxnOneOpAllocs(t *testing.T) {
	r := &pb.TxnRequest{Success: []*pb.RequestOp{put("a")}, Failure: []*pb.RequestOp{del("a", "")}}
	if n := testing.AllocsPerRun(100, func() {
		if err := checkTxn(r, 128); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Fatalf("checkTxn of a one-op txn: %v allocations, want 0", n)
	}
}
