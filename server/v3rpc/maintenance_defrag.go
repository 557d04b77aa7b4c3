package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
)

// Defragment rewrites this member's backend file compactly (not through
// raft: each member is defragmented on its own). Applying waits meanwhile.
// etcd answers without a header.
func (m *maintenanceServer) Defragment(ctx context.Context, r *pb.DefragmentRequest) (*pb.DefragmentResponse, error) {
	m.lg.Info("starting defragment")
	if err := m.s.Defragment(); err != nil {
		m.lg.Warn("failed to defragment", zap.Error(err))
		return nil, togRPCError(err)
	}
	m.lg.Info("finished defragment")
	return &pb.DefragmentResponse{}, nil
}
