package v3rpc

import (
	"context"
	"net/url"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc"

	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
)

// ClusterBackend is what the Cluster service and MoveLeader need from the
// server core.
type ClusterBackend interface {
	ID() uint64
	ClusterID() uint64
	Term() uint64
	Leader() uint64
	IsLearner() bool
	MemberList(ctx context.Context, linearizable bool) ([]membership.Member, error)
	AddMember(ctx context.Context, m membership.Member) ([]membership.Member, error)
	RemoveMember(ctx context.Context, id uint64) ([]membership.Member, error)
	UpdateMember(ctx context.Context, m membership.Member) ([]membership.Member, error)
	PromoteMember(ctx context.Context, id uint64) ([]membership.Member, error)
	MoveLeader(ctx context.Context, lead, transferee uint64) error
}

// registerCluster registers the Cluster service when the server supports
// membership, Unimplemented otherwise.
func registerCluster(gs *grpc.Server, s Server) {
	cb, ok := s.(ClusterBackend)
	if !ok {
		pb.RegisterClusterServer(gs, pb.UnimplementedClusterServer{})
		return
	}
	pb.RegisterClusterServer(gs, &clusterServer{s: cb})
}

type clusterServer struct {
	pb.UnimplementedClusterServer
	s ClusterBackend
}

// header is etcd's cluster header: no revision.
func (c *clusterServer) header() *pb.ResponseHeader {
	return &pb.ResponseHeader{ClusterId: c.s.ClusterID(), MemberId: c.s.ID(), RaftTerm: c.s.Term()}
}

func validPeerURLs(us []string) bool {
	if len(us) == 0 {
		return false
	}
	for _, s := range us {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "unix" && u.Scheme != "unixs") || u.Host == "" {
			return false
		}
		if u.Path != "" && u.Scheme != "unix" && u.Scheme != "unixs" {
			return false
		}
	}
	return true
}

func (c *clusterServer) MemberAdd(ctx context.Context, r *pb.MemberAddRequest) (*pb.MemberAddResponse, error) {
	if !validPeerURLs(r.PeerURLs) {
		return nil, rpctypes.ErrGRPCMemberBadURLs
	}
	now := time.Now()
	m := membership.NewMember("", r.PeerURLs, "", &now, r.IsLearner)
	ms, err := c.s.AddMember(ctx, *m)
	if err != nil {
		return nil, togRPCError(err)
	}
	return &pb.MemberAddResponse{Header: c.header(), Member: &pb.Member{ID: m.ID, PeerURLs: m.PeerURLs, IsLearner: m.IsLearner},
		Members: toPBMembers(ms)}, nil
}

func (c *clusterServer) MemberRemove(ctx context.Context, r *pb.MemberRemoveRequest) (*pb.MemberRemoveResponse, error) {
	ms, err := c.s.RemoveMember(ctx, r.ID)
	if err != nil {
		return nil, togRPCError(err)
	}
	return &pb.MemberRemoveResponse{Header: c.header(), Members: toPBMembers(ms)}, nil
}

func (c *clusterServer) MemberUpdate(ctx context.Context, r *pb.MemberUpdateRequest) (*pb.MemberUpdateResponse, error) {
	ms, err := c.s.UpdateMember(ctx, membership.Member{ID: r.ID, PeerURLs: r.PeerURLs})
	if err != nil {
		return nil, togRPCError(err)
	}
	return &pb.MemberUpdateResponse{Header: c.header(), Members: toPBMembers(ms)}, nil
}

func (c *clusterServer) MemberList(ctx context.Context, r *pb.MemberListRequest) (*pb.MemberListResponse, error) {
	ms, err := c.s.MemberList(ctx, r.Linearizable)
	if err != nil {
		return nil, togRPCError(err)
	}
	return &pb.MemberListResponse{Header: c.header(), Members: toPBMembers(ms)}, nil
}

func (c *clusterServer) MemberPromote(ctx context.Context, r *pb.MemberPromoteRequest) (*pb.MemberPromoteResponse, error) {
	ms, err := c.s.PromoteMember(ctx, r.ID)
	if err != nil {
		return nil, togRPCError(err)
	}
	return &pb.MemberPromoteResponse{Header: c.header(), Members: toPBMembers(ms)}, nil
}

func toPBMembers(ms []membership.Member) []*pb.Member {
	out := make([]*pb.Member, len(ms))
	for i, m := range ms {
		out[i] = &pb.Member{ID: m.ID, Name: m.Name, PeerURLs: m.PeerURLs, ClientURLs: m.ClientURLs, IsLearner: m.IsLearner}
	}
	return out
}

// moveLeader serves Maintenance.MoveLeader: only the leader may hand over.
func moveLeader(ctx context.Context, s Server, r *pb.MoveLeaderRequest) (*pb.MoveLeaderResponse, error) {
	cb, ok := s.(ClusterBackend)
	if !ok {
		return nil, rpctypes.ErrGRPCNotCapable
	}
	if cb.ID() != cb.Leader() {
		return nil, rpctypes.ErrGRPCNotLeader
	}
	if err := cb.MoveLeader(ctx, cb.Leader(), r.TargetID); err != nil {
		return nil, togRPCError(err)
	}
	return &pb.MoveLeaderResponse{}, nil
}
