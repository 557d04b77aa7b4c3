package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// MoveLeader answers with an empty response, without a header, as etcd
// does (etcdctl -w json prints "{}").
func (m *maintenanceServer) MoveLeader(ctx context.Context, r *pb.MoveLeaderRequest) (*pb.MoveLeaderResponse, error) {
	return moveLeader(ctx, m.s, r)
}
