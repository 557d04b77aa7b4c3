package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// learnerChecker is implemented by servers that may be learners.
type learnerChecker interface{ IsLearner() bool }

// supportedForLearner lists the unary requests a learner serves (etcd's:
// Status and serializable Range).
func supportedForLearner(req any) bool {
	switch r := req.(type) {
	case *pb.StatusRequest:
		return true
	case *pb.RangeRequest:
		return r.Serializable
	}
	return false
}

// requireLeader reports whether the client asked (with the "hasleader"
// metadata) to fail when there is no leader.
func requireLeader(ctx context.Context) bool {
	// One key's values, not a copy of the whole metadata (which costs
	// several allocations on every request).
	ks := metadata.ValueFromIncomingContext(ctx, rpctypes.MetadataRequireLeaderKey)
	return len(ks) > 0 && ks[0] == rpctypes.MetadataHasLeader
}

func isLearner(s Server) bool {
	lc, ok := s.(learnerChecker)
	return ok && lc.IsLearner()
}

// unaryInterceptor refuses what a learner does not serve and, when the
// client requires a leader, requests while there is none.
func unaryInterceptor(s Server) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if isLearner(s) && !supportedForLearner(req) {
			return nil, rpctypes.ErrGRPCNotSupportedForLearner
		}
		if requireLeader(ctx) && s.Leader() == 0 {
			return nil, rpctypes.ErrGRPCNoLeader
		}
		return handler(ctx, req)
	}
}

// snapshotMethod is the one stream a learner serves.
const snapshotMethod = "/etcdserverpb.Maintenance/Snapshot"

// streamInterceptor refuses what a learner does not serve and, when the
// client requires a leader, streams while there is none; such a stream is
// also ended with "no leader" once the member has had no leader for three
// election timeouts, so that a client watching through a partitioned
// member moves to another (Kubernetes watches this way).
func streamInterceptor(s Server, mon *leaderMonitor) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if isLearner(s) && info.FullMethod != snapshotMethod {
			return rpctypes.ErrGRPCNotSupportedForLearner
		}
		if !requireLeader(ss.Context()) {
			return handler(srv, ss)
		}
		if s.Leader() == 0 {
			return rpctypes.ErrGRPCNoLeader
		}
		ls, done := mon.add(ss)
		err := handler(srv, ls)
		lost := ls.ctx.Err() != nil && ss.Context().Err() == nil
		done()
		if lost {
			return rpctypes.ErrGRPCNoLeader
		}
		return err
	}
}
