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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkTxn(&pb.TxnRequest{Success: tt.ops}, 4); got != tt.want {
				t.Fatalf("checkTxn = %v, want %v", got, tt.want)
			}
		})
	}
}
