package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

func (m *maintenanceServer) MoveLeader(ctx context.Context, r *pb.MoveLeaderRequest) (*pb.MoveLeaderResponse, error) {
	resp, err := moveLeader(ctx, m.s, r)
	if err != nil {
		return nil, err
	}
	resp.Header = &pb.ResponseHeader{}
	m.hdr.fill(resp.Header)
	return resp, nil
}
