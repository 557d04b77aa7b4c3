package quota

import (
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

func put(k, v string) *pb.RequestOp {
	return &pb.RequestOp{Request: &pb.RequestOp_RequestPut{RequestPut: &pb.PutRequest{Key: []byte(k), Value: []byte(v)}}}
}

func TestCost(t *testing.T) {
	del := &pb.RequestOp{Request: &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: &pb.DeleteRangeRequest{Key: []byte("k")}}}
	nested := &pb.RequestOp{Request: &pb.RequestOp_RequestTxn{RequestTxn: &pb.TxnRequest{Failure: []*pb.RequestOp{put("a", "bb")}}}}
	tests := []struct {
		name string
		req  any
		want int
	}{
		{"put", &pb.PutRequest{Key: []byte("key"), Value: []byte("value")}, 256 + 8},
		{"lease grant", &pb.LeaseGrantRequest{TTL: 5}, 64},
		{"range", &pb.RangeRequest{Key: []byte("k")}, 0},
		{"txn without writes", &pb.TxnRequest{Success: []*pb.RequestOp{del}}, 0},
		{"txn takes the costlier branch", &pb.TxnRequest{Success: []*pb.RequestOp{put("a", "b")}, Failure: []*pb.RequestOp{put("a", "b"), put("c", "d")}}, 2 * 258},
		{"nested txn", &pb.TxnRequest{Success: []*pb.RequestOp{nested, del}}, 259},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cost(tt.req); got != tt.want {
				t.Fatalf("Cost = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestAvailable(t *testing.T) {
	p := &pb.PutRequest{Key: []byte("k"), Value: []byte("v")} // cost 258
	tests := []struct {
		name  string
		size  int64
		limit int64
		req   any
		want  bool
	}{
		{"fits", 1000, 2000, p, true},
		{"exactly at limit is refused", 1742, 2000, p, false},
		{"over", 1900, 2000, p, false},
		{"free request over quota", 5000, 2000, &pb.RangeRequest{}, true},
		{"disabled", 1 << 40, -1, p, true},
		{"default 2 GiB", DefaultBytes - 1000, 0, p, true},
		{"default 2 GiB exceeded", DefaultBytes, 0, p, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := Quota{Size: func() int64 { return tt.size }, Limit: tt.limit}
			if got := q.Available(tt.req); got != tt.want {
				t.Fatalf("Available = %v, want %v", got, tt.want)
			}
		})
	}
}
