package embed

import (
	"context"
	"net"
	"time"

	"github.com/etcdgo/etcd/api/v3/v3electionpb"
	"github.com/etcdgo/etcd/api/v3/v3lockpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/test/bufconn"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/server/v3/v3election"
	"github.com/etcdgo/etcd/server/v3/v3lock"
	"github.com/etcdgo/etcd/server/v3/v3rpc"
)

// selfClient is the server's client of itself, over an in-memory gRPC
// connection, on which the Lock and Election services are built (etcd
// does the same with its v3client).
type selfClient struct {
	l    *bufconn.Listener
	grpc *grpc.Server
	cli  *clientv3.Client
	done chan struct{}
}

const selfBufSize = 1 << 20

func (e *Etcd) grpcConfig(reg ...func(*grpc.Server)) v3rpc.Config {
	return v3rpc.Config{
		MaxRequestBytes: e.Config.MaxRequestBytes, MaxTxnOps: e.Config.MaxTxnOps, Logger: e.lg,
		WatchProgressNotifyInterval: e.Config.WatchProgressNotifyInterval, Register: reg,
		ElectionTimeout: time.Duration(e.Config.ElectionMs) * time.Millisecond,
		Registerer:      e.reg,
	}
}

func (e *Etcd) startSelfClient() error {
	sc := &selfClient{l: bufconn.Listen(selfBufSize), done: make(chan struct{})}
	// The client connects lazily, so it can exist before its server: the
	// server then offers the services built on it too (for the gateway).
	cli, err := clientv3.New(clientv3.Config{
		Endpoints: []string{"127.0.0.1:0"},
		DialOptions: []grpc.DialOption{grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return sc.l.DialContext(ctx)
		})},
		Logger: e.lg.Named("self-client"),
	})
	if err != nil {
		return err
	}
	sc.cli = cli
	e.self = sc
	sc.grpc = v3rpc.NewServer(e.Server, e.grpcConfig(e.selfServices()...))
	go func() {
		defer close(sc.done)
		_ = sc.grpc.Serve(sc.l)
	}()
	return nil
}

// selfServices registers the services built on the self client.
func (e *Etcd) selfServices() []func(*grpc.Server) {
	if e.self == nil {
		return nil
	}
	cli := e.self.cli
	return []func(*grpc.Server){
		func(gs *grpc.Server) { v3lockpb.RegisterLockServer(gs, v3lock.NewServer(cli)) },
		func(gs *grpc.Server) { v3electionpb.RegisterElectionServer(gs, v3election.NewServer(cli)) },
	}
}

func (e *Etcd) stopSelfClient() {
	if e.self == nil {
		return
	}
	_ = e.self.cli.Close()
	e.self.grpc.Stop()
	<-e.self.done
	e.self = nil
}
