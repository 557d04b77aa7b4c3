package etcdserver

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// Alarm lists, raises or clears alarms through raft, as etcd does (a GET
// goes through raft too, so that it sees every alarm applied before it).
func (s *EtcdServer) Alarm(ctx context.Context, r *pb.AlarmRequest) (*pb.AlarmResponse, error) {
	res, err := s.propose(ctx, &pb.InternalRaftRequest{Alarm: r})
	if err != nil {
		return nil, err
	}
	resp, _ := res.Resp.(*pb.AlarmResponse)
	if resp == nil {
		resp = &pb.AlarmResponse{}
	}
	return resp, nil
}

// Alarms lists the alarms applied on this member.
func (s *EtcdServer) Alarms() []*pb.AlarmMember { return s.alarms.Get(pb.AlarmType_NONE) }
