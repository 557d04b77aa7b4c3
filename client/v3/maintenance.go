package clientv3

import (
	"context"
	"errors"
	"fmt"
	"io"

	"go.uber.org/zap"
	"google.golang.org/grpc"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

type (
	DefragmentResponse pb.DefragmentResponse
	AlarmResponse      pb.AlarmResponse
	AlarmMember        pb.AlarmMember
	StatusResponse     pb.StatusResponse
	HashKVResponse     pb.HashKVResponse
	MoveLeaderResponse pb.MoveLeaderResponse
	DowngradeResponse  pb.DowngradeResponse

	// DowngradeAction is a downgrade request's action.
	DowngradeAction pb.DowngradeRequest_DowngradeAction
)

const (
	DowngradeValidate = DowngradeAction(pb.DowngradeRequest_VALIDATE)
	DowngradeEnable   = DowngradeAction(pb.DowngradeRequest_ENABLE)
	DowngradeCancel   = DowngradeAction(pb.DowngradeRequest_CANCEL)
)

// Maintenance is the maintenance API.
type Maintenance interface {
	// AlarmList gets all active alarms.
	AlarmList(ctx context.Context) (*AlarmResponse, error)

	// AlarmDisarm disarms a given alarm; an empty AlarmMember disarms
	// every active alarm.
	AlarmDisarm(ctx context.Context, m *AlarmMember) (*AlarmResponse, error)

	// Defragment releases wasted space from internal fragmentation on a
	// given etcd member.
	Defragment(ctx context.Context, endpoint string) (*DefragmentResponse, error)

	// Status gets the status of the endpoint.
	Status(ctx context.Context, endpoint string) (*StatusResponse, error)

	// HashKV returns a hash of the KV state at the time of the RPC. If
	// revision is zero, the hash is computed on all keys; otherwise on
	// the keys at or below the given revision.
	HashKV(ctx context.Context, endpoint string, rev int64) (*HashKVResponse, error)

	// SnapshotWithVersion returns a reader for a point-in-time snapshot
	// and the server version it came from.
	SnapshotWithVersion(ctx context.Context) (*SnapshotResponse, error)

	// Snapshot provides a reader for a point-in-time snapshot of etcd. If
	// the context "ctx" is canceled or timed out, reading from the
	// returned "io.ReadCloser" fails with the context error.
	Snapshot(ctx context.Context) (io.ReadCloser, error)

	// MoveLeader requests current leader to transfer its leadership to
	// the transferee. The request must be made to the leader.
	MoveLeader(ctx context.Context, transfereeID uint64) (*MoveLeaderResponse, error)

	// Downgrade requests downgrades, verifies feasibility or cancels
	// downgrade on the cluster version.
	Downgrade(ctx context.Context, action DowngradeAction, version string) (*DowngradeResponse, error)
}

// SnapshotResponse is aggregated response from the snapshot stream.
// Consumer is responsible for closing steam by calling .Snapshot.Close()
type SnapshotResponse struct {
	// Header is the first header in the snapshot stream, has the current
	// key-value store information and indicates the point in time of the
	// snapshot.
	Header *pb.ResponseHeader
	// Snapshot exposes ReaderCloser interface for data stored in the Blob
	// field in the snapshot stream.
	Snapshot io.ReadCloser
	// Version is the local version of server that created the snapshot.
	Version string
}

type maintenance struct {
	lg       *zap.Logger
	dial     func(endpoint string) (pb.MaintenanceClient, func(), error)
	remote   pb.MaintenanceClient
	callOpts []grpc.CallOption
}

// NewMaintenance returns the Maintenance API of a client.
func NewMaintenance(c *Client) Maintenance {
	api := &maintenance{
		lg: c.GetLogger(),
		dial: func(endpoint string) (pb.MaintenanceClient, func(), error) {
			conn, err := c.Dial(endpoint)
			if err != nil {
				return nil, nil, fmt.Errorf("failed to dial endpoint %s with maintenance client: %w", endpoint, err)
			}
			return RetryMaintenanceClient(c, conn), func() { _ = conn.Close() }, nil
		},
		remote:   RetryMaintenanceClient(c, c.conn),
		callOpts: c.callOpts,
	}
	return api
}

// NewMaintenanceFromMaintenanceClient returns a Maintenance over a given
// gRPC client; per-endpoint calls go to that client too.
func NewMaintenanceFromMaintenanceClient(remote pb.MaintenanceClient, c *Client) Maintenance {
	api := &maintenance{
		lg:     zap.NewNop(),
		dial:   func(string) (pb.MaintenanceClient, func(), error) { return remote, func() {}, nil },
		remote: remote,
	}
	if c != nil {
		api.callOpts = c.callOpts
		if lg := c.GetLogger(); lg != nil {
			api.lg = lg
		}
	}
	return api
}

func (m *maintenance) AlarmList(ctx context.Context) (*AlarmResponse, error) {
	req := &pb.AlarmRequest{Action: pb.AlarmRequest_GET, MemberID: 0, Alarm: pb.AlarmType_NONE}
	resp, err := m.remote.Alarm(ctx, req, m.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*AlarmResponse)(resp), nil
}

func (m *maintenance) AlarmDisarm(ctx context.Context, am *AlarmMember) (*AlarmResponse, error) {
	if am.MemberID == 0 && am.Alarm == pb.AlarmType_NONE {
		// disarm everything that is raised
		list, err := m.AlarmList(ctx)
		if err != nil {
			return nil, ContextError(ctx, err)
		}
		ret := &AlarmResponse{}
		for _, a := range list.Alarms {
			resp, err := m.AlarmDisarm(ctx, (*AlarmMember)(a))
			if err != nil {
				return nil, ContextError(ctx, err)
			}
			ret.Alarms = append(ret.Alarms, resp.Alarms...)
		}
		return ret, nil
	}
	req := &pb.AlarmRequest{Action: pb.AlarmRequest_DEACTIVATE, MemberID: am.MemberID, Alarm: am.Alarm}
	resp, err := m.remote.Alarm(ctx, req, m.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*AlarmResponse)(resp), nil
}

// onEndpoint runs a call against one endpoint over its own connection.
func onEndpoint[T any](ctx context.Context, m *maintenance, endpoint string, call func(pb.MaintenanceClient) (T, error)) (T, error) {
	var zero T
	remote, done, err := m.dial(endpoint)
	if err != nil {
		return zero, ContextError(ctx, err)
	}
	defer done()
	resp, err := call(remote)
	if err != nil {
		return zero, ContextError(ctx, err)
	}
	return resp, nil
}

func (m *maintenance) Defragment(ctx context.Context, endpoint string) (*DefragmentResponse, error) {
	resp, err := onEndpoint(ctx, m, endpoint, func(r pb.MaintenanceClient) (*pb.DefragmentResponse, error) {
		return r.Defragment(ctx, &pb.DefragmentRequest{}, m.callOpts...)
	})
	return (*DefragmentResponse)(resp), err
}

func (m *maintenance) Status(ctx context.Context, endpoint string) (*StatusResponse, error) {
	resp, err := onEndpoint(ctx, m, endpoint, func(r pb.MaintenanceClient) (*pb.StatusResponse, error) {
		return r.Status(ctx, &pb.StatusRequest{}, m.callOpts...)
	})
	return (*StatusResponse)(resp), err
}

func (m *maintenance) HashKV(ctx context.Context, endpoint string, rev int64) (*HashKVResponse, error) {
	resp, err := onEndpoint(ctx, m, endpoint, func(r pb.MaintenanceClient) (*pb.HashKVResponse, error) {
		return r.HashKV(ctx, &pb.HashKVRequest{Revision: rev}, m.callOpts...)
	})
	return (*HashKVResponse)(resp), err
}

func (m *maintenance) SnapshotWithVersion(ctx context.Context) (*SnapshotResponse, error) {
	ss, err := m.remote.Snapshot(ctx, &pb.SnapshotRequest{}, m.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	m.lg.Info("opened snapshot stream; downloading")
	first, err := ss.Recv()
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	pr, pw := io.Pipe()
	go m.pump(ss, first, pw)
	return &SnapshotResponse{
		Header:   first.GetHeader(),
		Snapshot: &snapshotReadCloser{ctx: ctx, ReadCloser: pr},
		Version:  first.GetVersion(),
	}, nil
}

func (m *maintenance) Snapshot(ctx context.Context) (io.ReadCloser, error) {
	ss, err := m.remote.Snapshot(ctx, &pb.SnapshotRequest{}, m.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	m.lg.Info("opened snapshot stream; downloading")
	pr, pw := io.Pipe()
	go m.pump(ss, nil, pw)
	return &snapshotReadCloser{ctx: ctx, ReadCloser: pr}, nil
}

// pump copies the snapshot stream's blobs into the pipe; the stream's end
// (io.EOF) or error closes the pipe. The goroutine ends when the stream
// ends, the reader is closed, or the caller's context is done.
func (m *maintenance) pump(ss pb.Maintenance_SnapshotClient, first *pb.SnapshotResponse, pw *io.PipeWriter) {
	resp := first
	for {
		if resp != nil {
			if _, err := pw.Write(resp.Blob); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		var err error
		resp, err = ss.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				m.lg.Info("completed snapshot read; closing")
			} else {
				m.lg.Warn("failed to receive from snapshot stream; closing", zap.Error(err))
			}
			pw.CloseWithError(err)
			return
		}
	}
}

type snapshotReadCloser struct {
	ctx context.Context
	io.ReadCloser
}

func (rc *snapshotReadCloser) Read(p []byte) (int, error) {
	n, err := rc.ReadCloser.Read(p)
	return n, ContextError(rc.ctx, err)
}

func (m *maintenance) MoveLeader(ctx context.Context, transfereeID uint64) (*MoveLeaderResponse, error) {
	resp, err := m.remote.MoveLeader(ctx, &pb.MoveLeaderRequest{TargetID: transfereeID}, m.callOpts...)
	return (*MoveLeaderResponse)(resp), ContextError(ctx, err)
}

var downgradeActions = map[DowngradeAction]pb.DowngradeRequest_DowngradeAction{
	DowngradeValidate: pb.DowngradeRequest_VALIDATE,
	DowngradeEnable:   pb.DowngradeRequest_ENABLE,
	DowngradeCancel:   pb.DowngradeRequest_CANCEL,
}

func (m *maintenance) Downgrade(ctx context.Context, action DowngradeAction, version string) (*DowngradeResponse, error) {
	a, ok := downgradeActions[action]
	if !ok {
		return nil, errors.New("etcdclient: unknown downgrade action")
	}
	resp, err := m.remote.Downgrade(ctx, &pb.DowngradeRequest{Action: a, Version: version}, m.callOpts...)
	return (*DowngradeResponse)(resp), ContextError(ctx, err)
}
