package embed

import (
	"context"
	"net/http"

	gwpb "github.com/etcdgo/etcd/api/v3/etcdserverpb/gw"
	electiongw "github.com/etcdgo/etcd/api/v3/v3electionpb/gw"
	lockgw "github.com/etcdgo/etcd/api/v3/v3lockpb/gw"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
)

// withGateway serves etcd's gRPC-gateway JSON API under /v3/ (POST
// /v3/kv/range, /v3/lease/grant, /v3/lock/lock, /v3/election/campaign, …)
// through the self client's connection, and next for everything else.
func (e *Etcd) withGateway(next http.Handler) http.Handler {
	if e.self == nil {
		return next
	}
	gw := runtime.NewServeMux(runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{
		Marshaler: &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: true},
		},
	}))
	conn := e.self.cli.ActiveConnection()
	for _, reg := range []func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error{
		gwpb.RegisterKVHandler, gwpb.RegisterWatchHandler, gwpb.RegisterLeaseHandler,
		gwpb.RegisterClusterHandler, gwpb.RegisterMaintenanceHandler, gwpb.RegisterAuthHandler,
		lockgw.RegisterLockHandler, electiongw.RegisterElectionHandler,
	} {
		if err := reg(context.Background(), gw, conn); err != nil {
			e.lg.Warn("failed to register gRPC gateway handler", zap.Error(err))
			return next
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/v3/", gw)
	mux.Handle("/", next)
	return mux
}
