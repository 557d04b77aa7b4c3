package v3rpc

import (
	"context"
	"errors"
	"io"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/etcdgo/etcd/server/v3/lease"
)

// Lessor is what the Lease service needs from the server.
type Lessor interface {
	LeaseGrant(ctx context.Context, r *pb.LeaseGrantRequest) (*pb.LeaseGrantResponse, error)
	LeaseRevoke(ctx context.Context, r *pb.LeaseRevokeRequest) (*pb.LeaseRevokeResponse, error)
	LeaseRenew(ctx context.Context, id int64) (int64, error)
	LeaseTimeToLive(ctx context.Context, r *pb.LeaseTimeToLiveRequest) (*pb.LeaseTimeToLiveResponse, error)
	LeaseLeases(ctx context.Context, r *pb.LeaseLeasesRequest) (*pb.LeaseLeasesResponse, error)
}

// registerWatchLease registers the Watch and Lease services when the
// server provides them, Unimplemented otherwise.
func registerWatchLease(gs *grpc.Server, s Server, h *header, cfg Config) {
	if w, ok := s.(WatchBackend); ok {
		pb.RegisterWatchServer(gs, newWatchServer(w, cfg))
	} else {
		pb.RegisterWatchServer(gs, pb.UnimplementedWatchServer{})
	}
	if l, ok := s.(Lessor); ok {
		lg := cfg.Logger
		if lg == nil {
			lg = zap.NewNop()
		}
		pb.RegisterLeaseServer(gs, &leaseServer{le: l, hdr: h, lg: lg, quota: quotaGuard{s}})
	} else {
		pb.RegisterLeaseServer(gs, pb.UnimplementedLeaseServer{})
	}
}

type leaseServer struct {
	pb.UnimplementedLeaseServer
	le    Lessor
	hdr   *header
	lg    *zap.Logger
	quota quotaGuard
}

func (ls *leaseServer) LeaseGrant(ctx context.Context, r *pb.LeaseGrantRequest) (*pb.LeaseGrantResponse, error) {
	if err := ls.quota.check(ctx, r); err != nil {
		return nil, err
	}
	resp, err := ls.le.LeaseGrant(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	ls.hdr.fill(resp.Header)
	return resp, nil
}

func (ls *leaseServer) LeaseRevoke(ctx context.Context, r *pb.LeaseRevokeRequest) (*pb.LeaseRevokeResponse, error) {
	resp, err := ls.le.LeaseRevoke(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	ls.hdr.fill(resp.Header)
	return resp, nil
}

// LeaseTimeToLive answers TTL -1 for an unknown lease, as etcd does.
func (ls *leaseServer) LeaseTimeToLive(ctx context.Context, r *pb.LeaseTimeToLiveRequest) (*pb.LeaseTimeToLiveResponse, error) {
	resp, err := ls.le.LeaseTimeToLive(ctx, r)
	if errors.Is(err, lease.ErrLeaseNotFound) {
		resp, err = &pb.LeaseTimeToLiveResponse{Header: &pb.ResponseHeader{}, ID: r.ID, TTL: -1}, nil
	}
	if err != nil {
		return nil, togRPCError(err)
	}
	ls.hdr.fill(resp.Header)
	return resp, nil
}

func (ls *leaseServer) LeaseLeases(ctx context.Context, r *pb.LeaseLeasesRequest) (*pb.LeaseLeasesResponse, error) {
	resp, err := ls.le.LeaseLeases(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	ls.hdr.fill(resp.Header)
	return resp, nil
}

// LeaseKeepAlive serves a keepalive stream. A stream that requires a
// leader can be ended by the leader monitor through its context, which a
// blocked Recv does not see: it receives on a second goroutine. Any other
// stream ends only with the client's, which ends Recv too, so one
// goroutine serves it (a KeepAliveOnce opens a stream per renewal, so a
// second goroutine, its channel and its stack would cost every renewal).
func (ls *leaseServer) LeaseKeepAlive(stream pb.Lease_LeaseKeepAliveServer) error {
	if !requireLeader(stream.Context()) {
		return ls.keepAlive(stream)
	}
	errc := make(chan error, 1)
	go func() { errc <- ls.keepAlive(stream) }()
	select {
	case err := <-errc:
		return err
	case <-stream.Context().Done():
		return stream.Context().Err()
	}
}

// keepAlive renews each lease asked for; an unknown lease gets TTL 0. The
// header is taken before the renewal, so its revision is never past the
// one at which the lease was still alive.
func (ls *leaseServer) keepAlive(stream pb.Lease_LeaseKeepAliveServer) error {
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		resp := &pb.LeaseKeepAliveResponse{ID: req.ID, Header: &pb.ResponseHeader{}}
		ls.hdr.fill(resp.Header)
		ttl, err := ls.le.LeaseRenew(stream.Context(), req.ID)
		if errors.Is(err, lease.ErrLeaseNotFound) {
			ttl, err = 0, nil
		}
		if err != nil {
			return togRPCError(err)
		}
		resp.TTL = ttl
		if err := stream.Send(resp); err != nil {
			ls.lg.Debug("failed to send lease keepalive response to gRPC stream", zap.Error(err))
			return err
		}
	}
}
