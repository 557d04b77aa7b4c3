package v3rpc

import (
	"context"
	"math"
	"time"

	"github.com/etcdgo/etcd/api/v3/codec"
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// Server is what the gRPC services need from the server core.
type Server interface {
	ID() uint64
	ClusterID() uint64
	Term() uint64
	Rev() int64
	Leader() uint64
	CommittedIndex() uint64
	AppliedIndex() uint64
	DBSize() int64
	DBSizeInUse() int64
	QuotaBackendBytes() int64

	Range(ctx context.Context, r *pb.RangeRequest) (*pb.RangeResponse, error)
	Put(ctx context.Context, r *pb.PutRequest) (*pb.PutResponse, error)
	DeleteRange(ctx context.Context, r *pb.DeleteRangeRequest) (*pb.DeleteRangeResponse, error)
	Txn(ctx context.Context, r *pb.TxnRequest) (*pb.TxnResponse, error)
	Compact(ctx context.Context, r *pb.CompactionRequest) (*pb.CompactionResponse, error)
	HashKV(ctx context.Context, rev int64) (*pb.HashKVResponse, error)
	Hash(ctx context.Context) (*pb.HashResponse, error)
	// Alarm lists, raises or clears alarms through raft; Alarms lists the
	// alarms applied on this member.
	Alarm(ctx context.Context, r *pb.AlarmRequest) (*pb.AlarmResponse, error)
	Alarms() []*pb.AlarmMember
	// Defragment rewrites this member's backend file compactly; applying
	// waits meanwhile.
	Defragment() error
	// OpenSnapshot opens a consistent copy of this member's backend file,
	// to stream; the caller closes it.
	OpenSnapshot() (*backend.Snapshot, error)
}

// Config tunes the gRPC server.
type Config struct {
	MaxRequestBytes uint
	MaxTxnOps       uint
	Logger          *zap.Logger
	// WatchProgressNotifyInterval is etcd's --watch-progress-notify-interval
	// (0: 10 minutes).
	WatchProgressNotifyInterval time.Duration
	// ElectionTimeout is the member's election timeout (0: etcd's default,
	// 1s); streams requiring a leader end after three without one.
	ElectionTimeout time.Duration
	// Register adds more services (lock, election) to the gRPC server.
	Register []func(*grpc.Server)
	// Registerer receives the gRPC metrics, with etcd's names (nil: not
	// exported). gRPC servers of one member share one Registerer.
	Registerer prometheus.Registerer
}

// streamWorkers is the number of goroutines kept to run requests.
const streamWorkers = 256

// grpcOverheadBytes is the slack etcd allows above --max-request-bytes for
// gRPC framing.
const grpcOverheadBytes = 512 * 1024

// NewServer builds the gRPC server with the KV and Maintenance services,
// the standard health service, and Unimplemented for the rest.
func NewServer(s Server, cfg Config, opts ...grpc.ServerOption) *grpc.Server {
	maxRecv := math.MaxInt32
	if cfg.MaxRequestBytes > 0 && uint64(cfg.MaxRequestBytes)+grpcOverheadBytes < math.MaxInt32 {
		maxRecv = int(cfg.MaxRequestBytes) + grpcOverheadBytes
	}
	m := newMetrics(cfg.Registerer)
	opts = append([]grpc.ServerOption{
		grpc.ForceServerCodecV2(countingCodec{CodecV2: codec.Codec{}, m: m}),
		grpc.MaxRecvMsgSize(maxRecv),
		grpc.MaxSendMsgSize(math.MaxInt32),
		grpc.MaxConcurrentStreams(math.MaxUint32),
		// Requests run on kept goroutines whose stacks have already grown
		// to what a request needs, instead of a new goroutine each whose
		// stack is copied twice or three times on the way to raft (a tenth
		// of a member's CPU under a put load). Past this many requests at
		// once gRPC starts goroutines as usual.
		grpc.NumStreamWorkers(streamWorkers),
		grpc.ChainUnaryInterceptor(m.unaryInterceptor(), unaryInterceptor(s)),
		grpc.ChainStreamInterceptor(m.streamInterceptor(), streamInterceptor(s, newLeaderMonitor(s, cfg.ElectionTimeout))),
	}, opts...)
	gs := grpc.NewServer(opts...)
	h := &header{s: s}
	pb.RegisterKVServer(gs, &kvServer{s: s, hdr: h, maxTxnOps: int(cfg.MaxTxnOps)})
	pb.RegisterMaintenanceServer(gs, &maintenanceServer{s: s, hdr: h, lg: nopIfNil(cfg.Logger)})
	registerWatchLease(gs, s, h, cfg)
	registerCluster(gs, s)
	pb.RegisterAuthServer(gs, pb.UnimplementedAuthServer{})
	hs := health.NewServer()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(gs, hs)
	for _, reg := range cfg.Register {
		reg(gs)
	}
	m.initialize(gs)
	return gs
}

// header fills response headers as etcd does.
type header struct{ s Server }

func (h *header) fill(rh *pb.ResponseHeader) {
	if rh == nil {
		return
	}
	rh.ClusterId = h.s.ClusterID()
	rh.MemberId = h.s.ID()
	rh.RaftTerm = h.s.Term()
	if rh.Revision == 0 {
		rh.Revision = h.s.Rev()
	}
}
