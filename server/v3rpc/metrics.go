package v3rpc

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/etcdgo/etcd/server/v3/internal/promreg"
)

// metrics are the gRPC server's metrics as etcd exposes them: the
// grpc_server_* counters of go-grpc-prometheus (etcd's
// go-grpc-middleware/providers/prometheus; same names, help texts and
// labels), the client byte counts of etcd's codec and its client requests
// per API version.
//
// That library resolves its labelled children on every call and allocates
// a reporter per RPC (2 allocations and about 1µs per unary call, one
// allocation and a label lookup per stream message); here every method's
// children are resolved once, when the server is built, so counting an
// RPC is a map lookup and a few atomic adds.
type metrics struct {
	started, handled, received, sent *prometheus.CounterVec
	methods                          map[string]*methodMetrics

	sentBytes, receivedBytes prometheus.Counter

	clientRequests *prometheus.CounterVec
	versionsMu     sync.Mutex
	// versions maps "unary"/"stream" and a client API version to its
	// counter; copied on write, read without a lock.
	versions atomic.Pointer[map[clientVersion]prometheus.Counter]
}

type clientVersion struct{ typ, version string }

// methodMetrics are one method's children.
type methodMetrics struct {
	started, received, sent prometheus.Counter
	handled                 [numCodes]prometheus.Counter
}

// numCodes is the number of gRPC codes, OK to Unauthenticated.
const numCodes = int(codes.Unauthenticated) + 1

func newMetrics(reg prometheus.Registerer) *metrics {
	vec := func(name, help string, labels ...string) *prometheus.CounterVec {
		return promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels))
	}
	m := &metrics{
		started:  vec("grpc_server_started_total", "Total number of RPCs started on the server.", "grpc_type", "grpc_service", "grpc_method"),
		handled:  vec("grpc_server_handled_total", "Total number of RPCs completed on the server, regardless of success or failure.", "grpc_type", "grpc_service", "grpc_method", "grpc_code"),
		received: vec("grpc_server_msg_received_total", "Total number of RPC stream messages received on the server.", "grpc_type", "grpc_service", "grpc_method"),
		sent:     vec("grpc_server_msg_sent_total", "Total number of gRPC stream messages sent by the server.", "grpc_type", "grpc_service", "grpc_method"),
		methods:  map[string]*methodMetrics{},
		sentBytes: promreg.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "etcd", Subsystem: "network", Name: "client_grpc_sent_bytes_total", Help: "The total number of bytes sent to grpc clients.",
		})),
		receivedBytes: promreg.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "etcd", Subsystem: "network", Name: "client_grpc_received_bytes_total", Help: "The total number of bytes received from grpc clients.",
		})),
		clientRequests: promreg.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "etcd", Subsystem: "server", Name: "client_requests_total", Help: "The total number of client requests per client version.",
		}, []string{"type", "client_api_version"})),
	}
	m.versions.Store(&map[clientVersion]prometheus.Counter{})
	return m
}

// grpcType is go-grpc-prometheus's grpc_type label.
func grpcType(clientStream, serverStream bool) string {
	switch {
	case clientStream && serverStream:
		return "bidi_stream"
	case clientStream:
		return "client_stream"
	case serverStream:
		return "server_stream"
	}
	return "unary"
}

// initialize resolves the children of every method registered on gs, with
// a zero value for each (as go-grpc-prometheus's InitializeMetrics does).
// Call it once every service is registered, before serving.
func (m *metrics) initialize(gs *grpc.Server) {
	for service, info := range gs.GetServiceInfo() {
		for _, mi := range info.Methods {
			m.methods["/"+service+"/"+mi.Name] = m.resolve(grpcType(mi.IsClientStream, mi.IsServerStream), service, mi.Name)
		}
	}
}

func (m *metrics) resolve(typ, service, method string) *methodMetrics {
	mm := &methodMetrics{
		started:  m.started.WithLabelValues(typ, service, method),
		received: m.received.WithLabelValues(typ, service, method),
		sent:     m.sent.WithLabelValues(typ, service, method),
	}
	for c := range mm.handled {
		mm.handled[c] = m.handled.WithLabelValues(typ, service, method, codes.Code(c).String())
	}
	return mm
}

// method returns the children of a full method name; one unknown when the
// server was built (none in practice) is resolved on each call.
func (m *metrics) method(full, typ string) *methodMetrics {
	if mm, ok := m.methods[full]; ok {
		return mm
	}
	service, method, _ := strings.Cut(strings.TrimPrefix(full, "/"), "/")
	return m.resolve(typ, service, method)
}

// code is go-grpc-prometheus's grpc_code of an RPC's error.
func code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	if s, ok := status.FromError(err); ok {
		return s.Code()
	}
	switch {
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	}
	return codes.Unknown
}

func (mm *methodMetrics) done(err error) {
	c := code(err)
	if int(c) >= numCodes {
		c = codes.Unknown
	}
	mm.handled[c].Inc()
}

// countClient counts a request by the client API version its metadata
// names, as etcd does; a version that is not UTF-8 is refused.
func (m *metrics) countClient(ctx context.Context, typ string) error {
	v := "unknown"
	// One key's values (a copy of them: one small allocation when the
	// client sent its version): copying the whole metadata costs several.
	if vs := metadata.ValueFromIncomingContext(ctx, rpctypes.MetadataClientAPIVersionKey); len(vs) > 0 {
		v = vs[0]
	}
	if !utf8.ValidString(v) {
		return rpctypes.ErrGRPCInvalidClientAPIVersion
	}
	m.clientCounter(typ, v).Inc()
	return nil
}

func (m *metrics) clientCounter(typ, version string) prometheus.Counter {
	k := clientVersion{typ, version}
	if c, ok := (*m.versions.Load())[k]; ok {
		return c
	}
	m.versionsMu.Lock()
	defer m.versionsMu.Unlock()
	old := *m.versions.Load()
	if c, ok := old[k]; ok {
		return c
	}
	next := make(map[clientVersion]prometheus.Counter, len(old)+1)
	for k, c := range old {
		next[k] = c
	}
	c := m.clientRequests.WithLabelValues(typ, version)
	next[k] = c
	m.versions.Store(&next)
	return c
}

// unaryInterceptor counts the RPC, its request and its response, as
// go-grpc-prometheus does (the response even when the call failed).
func (m *metrics) unaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		mm := m.method(info.FullMethod, "unary")
		mm.started.Inc()
		mm.received.Inc()
		err := m.countClient(ctx, "unary")
		var resp any
		if err == nil {
			resp, err = handler(ctx, req)
		}
		mm.sent.Inc()
		mm.done(err)
		return resp, err
	}
}

// streamInterceptor counts the RPC and every message received and sent on
// it; as go-grpc-prometheus, a receive counts even when it fails (the end
// of the client's stream too).
func (m *metrics) streamInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		mm := m.method(info.FullMethod, grpcType(info.IsClientStream, info.IsServerStream))
		mm.started.Inc()
		err := m.countClient(ss.Context(), "stream")
		if err == nil {
			err = handler(srv, &countedStream{ServerStream: ss, mm: mm})
		}
		mm.done(err)
		return err
	}
}

type countedStream struct {
	grpc.ServerStream
	mm *methodMetrics
}

func (s *countedStream) SendMsg(m any) error {
	err := s.ServerStream.SendMsg(m)
	s.mm.sent.Inc()
	return err
}

func (s *countedStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	s.mm.received.Inc()
	return err
}

// countingCodec counts the bytes of every message, as etcd's codec does.
type countingCodec struct {
	encoding.CodecV2
	m *metrics
}

func (c countingCodec) Marshal(v any) (mem.BufferSlice, error) {
	data, err := c.CodecV2.Marshal(v)
	c.m.sentBytes.Add(float64(data.Len()))
	return data, err
}

func (c countingCodec) Unmarshal(data mem.BufferSlice, v any) error {
	c.m.receivedBytes.Add(float64(data.Len()))
	return c.CodecV2.Unmarshal(data, v)
}
