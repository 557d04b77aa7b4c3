package v3rpc

import (
	"context"
	"testing"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
	"github.com/etcdgo/etcd/server/v3/internal/promtest"
)

// newMetricsConn serves a single member's gRPC services, with their
// metrics on reg, to the returned connection.
func newMetricsConn(t *testing.T, reg prometheus.Registerer) *grpc.ClientConn {
	t.Helper()
	s := startMember(t, etcdserver.Config{})
	return serveConn(t, s, Config{Registerer: reg})
}

// counter is the value of the counter of family name with these labels
// (name, value pairs); -1 when absent.
func counter(t *testing.T, g prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	m := make(map[string]string, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		m[labels[i]] = labels[i+1]
	}
	return promtest.Value(t, g, name, m)
}

func method(typ, service, name string) []string {
	return []string{"grpc_type", typ, "grpc_service", service, "grpc_method", name}
}

func withCode(labels []string, c codes.Code) []string {
	return append(append([]string(nil), labels...), "grpc_code", c.String())
}

// TestGRPCMetrics: RPCs, their messages and codes, the bytes on the wire
// and the clients' API versions are counted with go-grpc-prometheus's and
// etcd's names and labels.
func TestGRPCMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	conn := newMetricsConn(t, reg)
	kv := pb.NewKVClient(conn)
	put := method("unary", "etcdserverpb.KV", "Put")
	rng := method("unary", "etcdserverpb.KV", "Range")
	watch := method("bidi_stream", "etcdserverpb.Watch", "Watch")

	// Every method has its series from the start, every code included.
	for _, l := range [][]string{put, watch, method("unary", "etcdserverpb.Maintenance", "Defragment"), method("server_stream", "grpc.health.v1.Health", "Watch")} {
		if got := counter(t, reg, "grpc_server_started_total", l...); got != 0 {
			t.Errorf("started%v = %v before any call, want 0", l, got)
		}
		if got := counter(t, reg, "grpc_server_handled_total", withCode(l, codes.DataLoss)...); got != 0 {
			t.Errorf("handled%v = %v before any call, want 0", l, got)
		}
	}

	ctx := metadata.AppendToOutgoingContext(context.Background(), rpctypes.MetadataClientAPIVersionKey, "3.7")
	req := &pb.PutRequest{Key: []byte("key"), Value: []byte("value")}
	resp, err := kv.Put(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// Only the put has crossed the wire so far.
	if got, want := counter(t, reg, "etcd_network_client_grpc_received_bytes_total"), float64(proto.Size(req)); got != want {
		t.Errorf("received bytes = %v, want %v", got, want)
	}
	if got, want := counter(t, reg, "etcd_network_client_grpc_sent_bytes_total"), float64(proto.Size(resp)); got != want {
		t.Errorf("sent bytes = %v, want %v", got, want)
	}
	if _, err := kv.Range(context.Background(), &pb.RangeRequest{Key: []byte("key"), Revision: 1000}); status.Code(err) != codes.OutOfRange {
		t.Fatalf("range at a future revision: %v", err)
	}

	wctx, cancel := context.WithCancel(ctx)
	ws, err := pb.NewWatchClient(conn).Watch(wctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{Key: []byte("key")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Recv(); err != nil { // created
		t.Fatal(err)
	}
	cancel()
	// The server ends the stream, and counts the response it sent, in its
	// own time.
	for counter(t, reg, "grpc_server_handled_total", withCode(watch, codes.Canceled)...) != 1 ||
		counter(t, reg, "grpc_server_msg_sent_total", watch...) != 1 {
		time.Sleep(time.Millisecond)
	}

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"grpc_server_started_total", put, 1},
		{"grpc_server_msg_received_total", put, 1},
		{"grpc_server_msg_sent_total", put, 1},
		{"grpc_server_handled_total", withCode(put, codes.OK), 1},
		{"grpc_server_started_total", rng, 1},
		{"grpc_server_handled_total", withCode(rng, codes.OutOfRange), 1},
		{"grpc_server_handled_total", withCode(rng, codes.OK), 0},
		{"grpc_server_started_total", watch, 1},
		{"grpc_server_handled_total", withCode(watch, codes.OK), 0},
		{"etcd_server_client_requests_total", []string{"type", "unary", "client_api_version", "3.7"}, 1},
		{"etcd_server_client_requests_total", []string{"type", "unary", "client_api_version", "unknown"}, 1},
		{"etcd_server_client_requests_total", []string{"type", "stream", "client_api_version", "3.7"}, 1},
	} {
		if got := counter(t, reg, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// The create request, and maybe already the failed receive of the
	// cancelled stream (counted too, as go-grpc-prometheus counts it).
	if got := counter(t, reg, "grpc_server_msg_received_total", watch...); got < 1 || got > 2 {
		t.Errorf("grpc_server_msg_received_total%v = %v, want 1 or 2", watch, got)
	}
}

// TestInvalidClientAPIVersion: a version that is not UTF-8 is refused,
// as etcd does (gRPC-Go clients cannot send one; other clients can).
func TestInvalidClientAPIVersion(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(reg)
	m.methods["/etcdserverpb.KV/Put"] = m.resolve("unary", "etcdserverpb.KV", "Put")
	ctx := metadata.NewIncomingContext(context.Background(), metadata.MD{rpctypes.MetadataClientAPIVersionKey: {"\xff"}})
	called := false
	_, err := m.unaryInterceptor()(ctx, &pb.PutRequest{}, &grpc.UnaryServerInfo{FullMethod: "/etcdserverpb.KV/Put"}, func(context.Context, any) (any, error) {
		called = true
		return nil, nil
	})
	if err != rpctypes.ErrGRPCInvalidClientAPIVersion || called {
		t.Fatalf("err %v, handler called %v", err, called)
	}
	if got := counter(t, reg, "grpc_server_handled_total", withCode(method("unary", "etcdserverpb.KV", "Put"), codes.InvalidArgument)...); got != 1 {
		t.Fatalf("handled InvalidArgument = %v, want 1", got)
	}
}

// TestMetricsInterceptorAllocs: counting a unary RPC allocates nothing
// but the copy of the client's API version gRPC hands out.
func TestMetricsInterceptorAllocs(t *testing.T) {
	m := newMetrics(prometheus.NewRegistry())
	m.methods["/etcdserverpb.KV/Put"] = m.resolve("unary", "etcdserverpb.KV", "Put")
	ic := m.unaryInterceptor()
	info := &grpc.UnaryServerInfo{FullMethod: "/etcdserverpb.KV/Put"}
	handler := func(ctx context.Context, req any) (any, error) { return req, nil }
	var req any = &pb.PutRequest{}
	for _, c := range []struct {
		name string
		md   metadata.MD
		max  float64
	}{
		{"without a version", metadata.MD{"content-type": {"application/grpc"}}, 0},
		{"with a version", metadata.MD{"content-type": {"application/grpc"}, rpctypes.MetadataClientAPIVersionKey: {"3.7"}}, 1},
	} {
		ctx := metadata.NewIncomingContext(context.Background(), c.md)
		_, _ = ic(ctx, req, info, handler) // resolve the version's counter
		if got := testing.AllocsPerRun(100, func() { _, _ = ic(ctx, req, info, handler) }); got > c.max {
			t.Errorf("%s: %v allocations, want at most %v", c.name, got, c.max)
		}
	}
}
