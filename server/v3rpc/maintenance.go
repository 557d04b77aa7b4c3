package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/version"
)

type maintenanceServer struct {
	pb.UnimplementedMaintenanceServer
	s   Server
	hdr *header
}

// storageVersion is the data schema version etcd 3.6+ reports.
const storageVersion = "3.6.0"

func (m *maintenanceServer) Status(ctx context.Context, r *pb.StatusRequest) (*pb.StatusResponse, error) {
	resp := &pb.StatusResponse{
		Header:           &pb.ResponseHeader{Revision: m.s.Rev()},
		Version:          version.Version,
		DbSize:           m.s.DBSize(),
		DbSizeInUse:      m.s.DBSizeInUse(),
		Leader:           m.s.Leader(),
		RaftIndex:        m.s.CommittedIndex(),
		RaftTerm:         m.s.Term(),
		RaftAppliedIndex: m.s.AppliedIndex(),
		StorageVersion:   storageVersion,
		DbSizeQuota:      m.s.QuotaBackendBytes(),
		IsLearner:        isLearner(m.s),
	}
	m.hdr.fill(resp.Header)
	return resp, nil
}

func (m *maintenanceServer) HashKV(ctx context.Context, r *pb.HashKVRequest) (*pb.HashKVResponse, error) {
	resp, err := m.s.HashKV(ctx, r.Revision)
	if err != nil {
		return nil, togRPCError(err)
	}
	m.hdr.fill(resp.Header)
	return resp, nil
}

func (m *maintenanceServer) Hash(ctx context.Context, r *pb.HashRequest) (*pb.HashResponse, error) {
	resp, err := m.s.Hash(ctx)
	if err != nil {
		return nil, togRPCError(err)
	}
	m.hdr.fill(resp.Header)
	return resp, nil
}
