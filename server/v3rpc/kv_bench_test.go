package v3rpc

import (
	"context"
	"fmt"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

// BenchmarkKVRange is a serializable range of one key and of 100 keys (out
// of 1,000 with 256-byte values): "handler" calls the KV service's Range
// (validation, the server's read, the response header); "grpc" goes
// through a gRPC connection in memory, marshalling both ways.
func BenchmarkKVRange(b *testing.B) {
	s := startMember(b, etcdserver.Config{DisableLeaseCheckpoint: true})
	const keys = 1000
	putKeys(b, s, keys)
	kv := &kvServer{s: s, hdr: &header{s: s}, maxTxnOps: 128}
	client := pb.NewKVClient(serveConn(b, s, Config{}))
	ctx := context.Background()
	for _, n := range []int{1, 100} {
		reqs := make([]*pb.RangeRequest, keys-n)
		for i := range reqs {
			reqs[i] = &pb.RangeRequest{Key: benchKey(i), Serializable: true}
			if n > 1 {
				reqs[i].RangeEnd = benchKey(i + n)
			}
		}
		for _, via := range []struct {
			name  string
			rangf func(context.Context, *pb.RangeRequest) (*pb.RangeResponse, error)
		}{
			{"handler", kv.Range},
			{"grpc", func(ctx context.Context, r *pb.RangeRequest) (*pb.RangeResponse, error) { return client.Range(ctx, r) }},
		} {
			b.Run(fmt.Sprintf("keys=%d/%s", n, via.name), func(b *testing.B) {
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					resp, err := via.rangf(ctx, reqs[i%len(reqs)])
					if err != nil || len(resp.Kvs) != n {
						b.Fatalf("range: %d keys, %v", len(resp.GetKvs()), err)
					}
				}
			})
		}
	}
}
