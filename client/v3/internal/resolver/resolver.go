package resolver

import (
	"sync"

	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/serviceconfig"

	"github.com/etcdgo/etcd/client/v3/internal/endpoint"
)

// Scheme is the scheme of the targets this resolver serves.
const Scheme = "etcd-endpoints"

const roundRobinConfig = `{"loadBalancingPolicy": "round_robin"}`

// Builder resolves a client's target to its endpoints. It is both the
// resolver.Builder and, once built, the resolver.Resolver.
type Builder struct {
	mu        sync.Mutex
	endpoints []string
	cc        resolver.ClientConn
	sc        *serviceconfig.ParseResult
	closed    bool
}

// New returns a builder serving the given endpoints.
func New(endpoints ...string) *Builder {
	return &Builder{endpoints: append([]string(nil), endpoints...)}
}

// Scheme implements resolver.Builder.
func (b *Builder) Scheme() string { return Scheme }

// Build implements resolver.Builder.
func (b *Builder) Build(_ resolver.Target, cc resolver.ClientConn, _ resolver.BuildOptions) (resolver.Resolver, error) {
	sc := cc.ParseServiceConfig(roundRobinConfig)
	if sc.Err != nil {
		return nil, sc.Err
	}
	b.mu.Lock()
	b.cc, b.sc, b.closed = cc, sc, false
	b.mu.Unlock()
	b.push()
	return b, nil
}

// SetEndpoints replaces the endpoint list and tells gRPC.
func (b *Builder) SetEndpoints(endpoints ...string) {
	b.mu.Lock()
	b.endpoints = append([]string(nil), endpoints...)
	b.mu.Unlock()
	b.push()
}

func (b *Builder) push() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cc == nil || b.closed {
		return
	}
	eps := make([]resolver.Endpoint, 0, len(b.endpoints))
	for _, ep := range b.endpoints {
		p := endpoint.Parse(ep)
		eps = append(eps, resolver.Endpoint{Addresses: []resolver.Address{{Addr: p.Addr, ServerName: p.ServerName}}})
	}
	_ = b.cc.UpdateState(resolver.State{Endpoints: eps, ServiceConfig: b.sc})
}

// ResolveNow implements resolver.Resolver; the list is pushed, never polled.
func (b *Builder) ResolveNow(resolver.ResolveNowOptions) {}

// Close implements resolver.Resolver.
func (b *Builder) Close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
}
