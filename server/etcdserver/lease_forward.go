package etcdserver

import (
	"context"
	"net/url"

	"github.com/etcdgo/etcd/api/v3/codec"
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/etcdgo/etcd/server/v3/lease"
)

// grpcLeaseConn forwards lease calls to the leader over its client gRPC
// endpoint.
type grpcLeaseConn struct {
	cc *grpc.ClientConn
	lc pb.LeaseClient
}

// dialLeaseConn connects to the first plain-HTTP client URL of a member.
func dialLeaseConn(urls []string) (leaseConn, error) {
	var target string
	for _, u := range urls {
		pu, err := url.Parse(u)
		if err == nil && (pu.Scheme == "http" || pu.Scheme == "") {
			target = pu.Host
			break
		}
	}
	if target == "" {
		return nil, lease.ErrNotPrimary
	}
	cc, err := grpc.NewClient("passthrough:///"+target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(codec.Codec{})))
	if err != nil {
		return nil, err
	}
	return &grpcLeaseConn{cc: cc, lc: pb.NewLeaseClient(cc)}, nil
}

func (c *grpcLeaseConn) Renew(ctx context.Context, id int64) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := c.lc.LeaseKeepAlive(ctx)
	if err != nil {
		return -1, lease.ErrNotPrimary
	}
	if err := st.Send(&pb.LeaseKeepAliveRequest{ID: id}); err != nil {
		return -1, lease.ErrNotPrimary
	}
	resp, err := st.Recv()
	if err != nil {
		return -1, lease.ErrNotPrimary
	}
	_ = st.CloseSend()
	if resp.TTL <= 0 {
		return -1, lease.ErrLeaseNotFound
	}
	return resp.TTL, nil
}

func (c *grpcLeaseConn) TimeToLive(ctx context.Context, r *pb.LeaseTimeToLiveRequest) (*pb.LeaseTimeToLiveResponse, error) {
	resp, err := c.lc.LeaseTimeToLive(ctx, r)
	if err != nil {
		return nil, lease.ErrNotPrimary
	}
	if resp.TTL == -1 {
		return nil, lease.ErrLeaseNotFound
	}
	return resp, nil
}

func (c *grpcLeaseConn) Close() error { return c.cc.Close() }
