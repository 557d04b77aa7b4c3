package clientv3

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

type (
	LeaseRevokeResponse pb.LeaseRevokeResponse
	LeaseID             int64
)

// LeaseGrantResponse wraps the protobuf message LeaseGrantResponse.
type LeaseGrantResponse struct {
	*pb.ResponseHeader
	ID    LeaseID
	TTL   int64
	Error string
}

// LeaseKeepAliveResponse wraps the protobuf message LeaseKeepAliveResponse.
type LeaseKeepAliveResponse struct {
	*pb.ResponseHeader
	ID  LeaseID
	TTL int64
}

// LeaseTimeToLiveResponse wraps the protobuf message LeaseTimeToLiveResponse.
type LeaseTimeToLiveResponse struct {
	*pb.ResponseHeader
	ID LeaseID `json:"id"`

	// TTL is the remaining TTL in seconds for the lease; the lease will
	// expire in under TTL+1 seconds. Expired lease will return -1.
	TTL int64 `json:"ttl"`

	// GrantedTTL is the initial granted time in seconds upon lease creation/renewal.
	GrantedTTL int64 `json:"granted-ttl"`

	// Keys is the list of keys attached to this lease.
	Keys [][]byte `json:"keys"`
}

// LeaseStatus represents a lease status.
type LeaseStatus struct {
	ID LeaseID `json:"id"`
}

// LeaseLeasesResponse wraps the protobuf message LeaseLeasesResponse.
type LeaseLeasesResponse struct {
	*pb.ResponseHeader
	Leases []LeaseStatus `json:"leases"`
}

const (
	// defaultTTL is the assumed lease TTL used for the first keepalive
	// deadline before the actual TTL is known to the client.
	defaultTTL = 5 * time.Second
	// NoLease is a lease ID for the absence of a lease.
	NoLease LeaseID = 0

	// retryConnWait is how long to wait before retrying request due to an error
	retryConnWait = 500 * time.Millisecond
)

// LeaseResponseChSize is the size of buffer to store unsent lease responses.
// WARNING: DO NOT UPDATE.
// Only for testing purposes.
var LeaseResponseChSize = 16

// ErrKeepAliveHalted is returned if client keep alive loop halts with an unexpected error.
//
// This usually means that automatic lease renewal via KeepAlive is broken, but KeepAliveOnce will still work as expected.
type ErrKeepAliveHalted struct {
	Reason error
}

func (e ErrKeepAliveHalted) Error() string {
	s := "etcdclient: leases keep alive halted"
	if e.Reason != nil {
		s += ": " + e.Reason.Error()
	}
	return s
}

// Lease is the lease API.
type Lease interface {
	// Grant creates a new lease.
	Grant(ctx context.Context, ttl int64) (*LeaseGrantResponse, error)

	// Revoke revokes the given lease.
	Revoke(ctx context.Context, id LeaseID) (*LeaseRevokeResponse, error)

	// TimeToLive retrieves the lease information of the given lease ID.
	TimeToLive(ctx context.Context, id LeaseID, opts ...LeaseOption) (*LeaseTimeToLiveResponse, error)

	// Leases retrieves all leases.
	Leases(ctx context.Context) (*LeaseLeasesResponse, error)

	// KeepAlive attempts to keep the given lease alive forever. If the
	// keepalive responses posted to the channel are not consumed promptly
	// the channel may become full; new responses are then dropped.
	//
	// The returned channel is closed when the lease expires, when the
	// context is canceled, or when the client is closed. All keepalives
	// share one gRPC stream.
	KeepAlive(ctx context.Context, id LeaseID) (<-chan *LeaseKeepAliveResponse, error)

	// KeepAliveOnce renews the lease once. The response corresponds to the
	// first message from calling KeepAlive. If the response has a
	// recoverable error, KeepAliveOnce will retry the RPC with a new
	// keep alive message.
	KeepAliveOnce(ctx context.Context, id LeaseID) (*LeaseKeepAliveResponse, error)

	// Close releases all resources Lease keeps for efficient communication
	// with the etcd server.
	Close() error
}

type lessor struct {
	remote   pb.LeaseClient
	callOpts []grpc.CallOption
	lg       *zap.Logger

	// firstKeepAliveTimeout is how long a new keepalive waits for its
	// first response before giving up on the lease.
	firstKeepAliveTimeout time.Duration

	stopCtx    context.Context
	stopCancel context.CancelFunc

	mu         sync.Mutex
	keepAlives map[LeaseID]*keepAlive
	started    bool
	loopErr    error
	donec      chan struct{} // closed when the keepalive loops have ended
	wg         sync.WaitGroup
}

// keepAlive is the state of one lease kept alive, shared by every
// KeepAlive call on it.
type keepAlive struct {
	subs          []*kaSub
	deadline      time.Time // the lease is considered expired after this
	nextKeepAlive time.Time
	donec         chan struct{} // closed with the keepAlive
}

// kaSub is one KeepAlive call's channel.
type kaSub struct {
	ctx context.Context
	ch  chan *LeaseKeepAliveResponse
}

// NewLease returns the Lease API of a client.
func NewLease(c *Client) Lease {
	return NewLeaseFromLeaseClient(RetryLeaseClient(c), c, c.cfg.DialTimeout+time.Second)
}

// NewLeaseFromLeaseClient returns a Lease over a given gRPC client.
func NewLeaseFromLeaseClient(remote pb.LeaseClient, c *Client, keepAliveTimeout time.Duration) Lease {
	l := &lessor{
		remote:                remote,
		firstKeepAliveTimeout: keepAliveTimeout,
		keepAlives:            make(map[LeaseID]*keepAlive),
		donec:                 make(chan struct{}),
		lg:                    zap.NewNop(),
	}
	if l.firstKeepAliveTimeout == time.Second {
		l.firstKeepAliveTimeout = defaultTTL
	}
	parent := context.Background()
	if c != nil {
		l.callOpts = c.callOpts
		if lg := c.GetLogger(); lg != nil {
			l.lg = lg
		}
		if c.ctx != nil {
			parent = c.ctx
		}
	}
	l.stopCtx, l.stopCancel = context.WithCancel(WithRequireLeader(parent))
	return l
}

func (l *lessor) Grant(ctx context.Context, ttl int64) (*LeaseGrantResponse, error) {
	resp, err := l.remote.LeaseGrant(ctx, &pb.LeaseGrantRequest{TTL: ttl}, l.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return &LeaseGrantResponse{
		ResponseHeader: resp.GetHeader(),
		ID:             LeaseID(resp.ID),
		TTL:            resp.TTL,
		Error:          resp.Error,
	}, nil
}

func (l *lessor) Revoke(ctx context.Context, id LeaseID) (*LeaseRevokeResponse, error) {
	resp, err := l.remote.LeaseRevoke(ctx, &pb.LeaseRevokeRequest{ID: int64(id)}, l.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*LeaseRevokeResponse)(resp), nil
}

func (l *lessor) TimeToLive(ctx context.Context, id LeaseID, opts ...LeaseOption) (*LeaseTimeToLiveResponse, error) {
	resp, err := l.remote.LeaseTimeToLive(ctx, toLeaseTimeToLiveRequest(id, opts...), l.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return &LeaseTimeToLiveResponse{
		ResponseHeader: resp.GetHeader(),
		ID:             LeaseID(resp.ID),
		TTL:            resp.TTL,
		GrantedTTL:     resp.GrantedTTL,
		Keys:           resp.Keys,
	}, nil
}

func (l *lessor) Leases(ctx context.Context) (*LeaseLeasesResponse, error) {
	resp, err := l.remote.LeaseLeases(ctx, &pb.LeaseLeasesRequest{}, l.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	leases := make([]LeaseStatus, len(resp.Leases))
	for i, ls := range resp.Leases {
		leases[i] = LeaseStatus{ID: LeaseID(ls.ID)}
	}
	return &LeaseLeasesResponse{ResponseHeader: resp.GetHeader(), Leases: leases}, nil
}

func (l *lessor) KeepAliveOnce(ctx context.Context, id LeaseID) (*LeaseKeepAliveResponse, error) {
	for {
		resp, err := l.keepAliveOnce(ctx, id)
		if err == nil {
			if resp.TTL <= 0 {
				err = rpctypes.ErrLeaseNotFound
			}
			return resp, err
		}
		if isHaltErr(ctx, err) {
			return nil, ContextError(ctx, err)
		}
	}
}

func (l *lessor) keepAliveOnce(ctx context.Context, id LeaseID) (resp *LeaseKeepAliveResponse, err error) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := l.remote.LeaseKeepAlive(cctx, l.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	defer func() {
		if cerr := stream.CloseSend(); cerr != nil && err == nil {
			err = ContextError(ctx, cerr)
		}
	}()
	if err := stream.Send(&pb.LeaseKeepAliveRequest{ID: int64(id)}); err != nil {
		return nil, ContextError(ctx, err)
	}
	r, err := stream.Recv()
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return &LeaseKeepAliveResponse{ResponseHeader: r.GetHeader(), ID: LeaseID(r.ID), TTL: r.TTL}, nil
}

func (l *lessor) Close() error {
	l.stopCancel()
	l.mu.Lock()
	if !l.started {
		l.started = true // the loops will never start
		close(l.donec)
	}
	l.mu.Unlock()
	<-l.donec
	l.wg.Wait()
	return nil
}
