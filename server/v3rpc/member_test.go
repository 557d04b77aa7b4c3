package v3rpc

import (
	"context"
	"net"
	"testing"

	"github.com/etcdgo/etcd/api/v3/codec"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

// startMember runs a single member in tb's temporary directory, without
// fsync, and waits until it serves. cfg adds to those defaults (quota,
// logger, lease checkpoints).
func startMember(tb testing.TB, cfg etcdserver.Config) *etcdserver.EtcdServer {
	tb.Helper()
	peer := "http://127.0.0.1:2380"
	cfg.Name, cfg.DataDir, cfg.PeerURLs = "m", tb.TempDir(), []string{peer}
	cfg.InitialCluster, cfg.NewCluster = map[string][]string{"m": {peer}}, true
	cfg.TickMs, cfg.ElectionTicks, cfg.SnapshotCount, cfg.UnsafeNoFsync = 100, 10, 1<<40, true
	s, err := etcdserver.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	s.Start()
	tb.Cleanup(s.Close)
	select {
	case <-s.ReadyNotify():
	case err := <-s.Err():
		tb.Fatal(err)
	}
	return s
}

// serveConn serves s's gRPC services, built with cfg (etcd's request
// limits are the defaults), on an in-memory listener and returns a client
// connection to them using the server's codec.
func serveConn(tb testing.TB, s *etcdserver.EtcdServer, cfg Config) *grpc.ClientConn {
	tb.Helper()
	if cfg.MaxRequestBytes == 0 {
		cfg.MaxRequestBytes = 1.5 * 1024 * 1024
	}
	if cfg.MaxTxnOps == 0 {
		cfg.MaxTxnOps = 128
	}
	l := bufconn.Listen(1 << 20)
	gs := NewServer(s, cfg)
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
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn.Close()
		gs.Stop()
		<-done
	})
	return conn
}
