package v3rpc

// Benchmarks of the client-facing hot paths on a real single-member
// server: serializable ranges through the KV service and the fan-out of
// one put to many watchers through the Watch service. Run with
//
//	go test -run '^$' -bench . -benchmem ./server/v3rpc/

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/etcdgo/etcd/api/v3/codec"
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

var benchValue = make([]byte, 256)

func benchKey(i int) []byte { return []byte(fmt.Sprintf("key-%08d", i)) }

// newBenchServer runs a single member in b's temporary directory, without
// fsync, and waits until it serves.
func newBenchServer(b *testing.B) *etcdserver.EtcdServer {
	b.Helper()
	peer := "http://127.0.0.1:2380"
	s, err := etcdserver.New(etcdserver.Config{
		Name: "bench", DataDir: b.TempDir(), PeerURLs: []string{peer},
		InitialCluster: map[string][]string{"bench": {peer}}, NewCluster: true,
		TickMs: 100, ElectionTicks: 10, SnapshotCount: 1 << 40, UnsafeNoFsync: true,
		DisableLeaseCheckpoint: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	s.Start()
	b.Cleanup(s.Close)
	select {
	case <-s.ReadyNotify():
	case err := <-s.Err():
		b.Fatal(err)
	}
	return s
}

// benchConn serves s's gRPC services on an in-memory listener and returns
// a client connection to them using the server's codec.
func benchConn(b *testing.B, s *etcdserver.EtcdServer) *grpc.ClientConn {
	b.Helper()
	l := bufconn.Listen(1 << 20)
	gs := NewServer(s, Config{MaxRequestBytes: 1.5 * 1024 * 1024, MaxTxnOps: 128})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(l)
	}()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return l.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(codec.Codec{})))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn.Close()
		gs.Stop()
		<-done
	})
	return conn
}

// putKeys writes keys 0..n-1 with 256-byte values through raft.
func putKeys(b *testing.B, s *etcdserver.EtcdServer, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		if _, err := s.Put(context.Background(), &pb.PutRequest{Key: benchKey(i), Value: benchValue}); err != nil {
			b.Fatal(err)
		}
	}
}
