package v3rpc

import (
	"context"
	"fmt"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/version"
	"go.uber.org/zap"
)

type maintenanceServer struct {
	pb.UnimplementedMaintenanceServer
	s   Server
	hdr *header
	lg  *zap.Logger
}

// StorageVersion is the data schema version reported by Status and
// /version.
var StorageVersion = version.StorageVersion

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
		StorageVersion:   StorageVersion,
		DbSizeQuota:      m.s.QuotaBackendBytes(),
		IsLearner:        isLearner(m.s),
		// etcd always sends downgrade info, empty when none is under way.
		DowngradeInfo: &pb.DowngradeInfo{},
	}
	// etcd lists each alarm as its protobuf text form; that form puts one
	// or two spaces between fields at random per binary (protobuf-go's
	// detrand), so we write the one-space form.
	for _, a := range m.s.Alarms() {
		resp.Errors = append(resp.Errors, fmt.Sprintf("memberID:%d alarm:%s", a.MemberID, a.Alarm))
	}
	m.hdr.fill(resp.Header)
	return resp, nil
}

func (m *maintenanceServer) Alarm(ctx context.Context, r *pb.AlarmRequest) (*pb.AlarmResponse, error) {
	resp, err := m.s.Alarm(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	if resp.Header == nil {
		resp.Header = &pb.ResponseHeader{}
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

func nopIfNil(lg *zap.Logger) *zap.Logger {
	if lg == nil {
		return zap.NewNop()
	}
	return lg
}
