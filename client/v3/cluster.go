package clientv3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"google.golang.org/grpc"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

type (
	Member                pb.Member
	MemberListResponse    pb.MemberListResponse
	MemberAddResponse     pb.MemberAddResponse
	MemberRemoveResponse  pb.MemberRemoveResponse
	MemberUpdateResponse  pb.MemberUpdateResponse
	MemberPromoteResponse pb.MemberPromoteResponse
)

// Cluster is the membership API.
type Cluster interface {
	// MemberList lists the current cluster membership. It is
	// linearizable unless WithSerializable is given.
	MemberList(ctx context.Context, opts ...OpOption) (*MemberListResponse, error)

	// MemberAdd adds a new member into the cluster.
	MemberAdd(ctx context.Context, peerAddrs []string) (*MemberAddResponse, error)

	// MemberAddAsLearner adds a new learner member into the cluster.
	MemberAddAsLearner(ctx context.Context, peerAddrs []string) (*MemberAddResponse, error)

	// MemberRemove removes an existing member from the cluster.
	MemberRemove(ctx context.Context, id uint64) (*MemberRemoveResponse, error)

	// MemberUpdate updates the peer addresses of the member.
	MemberUpdate(ctx context.Context, id uint64, peerAddrs []string) (*MemberUpdateResponse, error)

	// MemberPromote promotes a member from raft learner (non-voting) to raft voting member.
	MemberPromote(ctx context.Context, id uint64) (*MemberPromoteResponse, error)
}

type cluster struct {
	remote   pb.ClusterClient
	callOpts []grpc.CallOption
}

// NewCluster returns the Cluster API of a client.
func NewCluster(c *Client) Cluster {
	api := &cluster{remote: RetryClusterClient(c)}
	if c != nil {
		api.callOpts = c.callOpts
	}
	return api
}

// NewClusterFromClusterClient returns a Cluster over a given gRPC client.
func NewClusterFromClusterClient(remote pb.ClusterClient, c *Client) Cluster {
	api := &cluster{remote: remote}
	if c != nil {
		api.callOpts = c.callOpts
	}
	return api
}

func (c *cluster) MemberAdd(ctx context.Context, peerAddrs []string) (*MemberAddResponse, error) {
	return c.memberAdd(ctx, peerAddrs, false)
}

func (c *cluster) MemberAddAsLearner(ctx context.Context, peerAddrs []string) (*MemberAddResponse, error) {
	return c.memberAdd(ctx, peerAddrs, true)
}

func (c *cluster) memberAdd(ctx context.Context, peerAddrs []string, isLearner bool) (*MemberAddResponse, error) {
	if err := validatePeerURLs(peerAddrs); err != nil {
		return nil, err
	}
	resp, err := c.remote.MemberAdd(ctx, &pb.MemberAddRequest{PeerURLs: peerAddrs, IsLearner: isLearner}, c.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*MemberAddResponse)(resp), nil
}

func (c *cluster) MemberRemove(ctx context.Context, id uint64) (*MemberRemoveResponse, error) {
	resp, err := c.remote.MemberRemove(ctx, &pb.MemberRemoveRequest{ID: id}, c.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*MemberRemoveResponse)(resp), nil
}

func (c *cluster) MemberUpdate(ctx context.Context, id uint64, peerAddrs []string) (*MemberUpdateResponse, error) {
	if err := validatePeerURLs(peerAddrs); err != nil {
		return nil, err
	}
	resp, err := c.remote.MemberUpdate(ctx, &pb.MemberUpdateRequest{ID: id, PeerURLs: peerAddrs}, c.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*MemberUpdateResponse)(resp), nil
}

func (c *cluster) MemberList(ctx context.Context, opts ...OpOption) (*MemberListResponse, error) {
	op := OpGet("", opts...)
	resp, err := c.remote.MemberList(ctx, &pb.MemberListRequest{Linearizable: !op.serializable}, c.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*MemberListResponse)(resp), nil
}

func (c *cluster) MemberPromote(ctx context.Context, id uint64) (*MemberPromoteResponse, error) {
	resp, err := c.remote.MemberPromote(ctx, &pb.MemberPromoteRequest{ID: id}, c.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*MemberPromoteResponse)(resp), nil
}

// validatePeerURLs checks peer URLs the way etcd does before sending
// them, with etcd's error messages.
func validatePeerURLs(addrs []string) error {
	if len(addrs) == 0 {
		return errors.New("no valid URLs given")
	}
	for _, in := range addrs {
		in = strings.TrimSpace(in)
		u, err := url.Parse(in)
		if err != nil {
			return err
		}
		switch u.Scheme {
		case "http", "https":
			if _, _, err := net.SplitHostPort(u.Host); err != nil {
				return fmt.Errorf(`URL address does not have the form "host:port": %s`, in)
			}
			if u.Path != "" {
				return fmt.Errorf("URL must not contain a path: %s", in)
			}
		case "unix", "unixs":
		default:
			return fmt.Errorf("URL scheme must be http, https, unix, or unixs: %s", in)
		}
	}
	return nil
}
