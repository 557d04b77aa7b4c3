package v3rpc

import (
	"context"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

// BenchmarkLeaseKeepAliveOnce renews a lease as clientv3's KeepAliveOnce
// does: a stream per renewal (open, send, receive, close), through a gRPC
// connection in memory. The server's part includes the stream's handler
// goroutine and the renewal on the leader.
func BenchmarkLeaseKeepAliveOnce(b *testing.B) {
	s := startMember(b, etcdserver.Config{DisableLeaseCheckpoint: true})
	client := pb.NewLeaseClient(serveConn(b, s, Config{}))
	ctx := context.Background()
	g, err := client.LeaseGrant(ctx, &pb.LeaseGrantRequest{TTL: 100})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sctx, cancel := context.WithCancel(ctx)
		st, err := client.LeaseKeepAlive(sctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Send(&pb.LeaseKeepAliveRequest{ID: g.ID}); err != nil {
			b.Fatal(err)
		}
		resp, err := st.Recv()
		if err != nil || resp.TTL != 100 {
			b.Fatalf("keepalive: %v %v", resp, err)
		}
		_ = st.CloseSend()
		cancel()
	}
}
