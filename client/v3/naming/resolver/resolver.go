package resolver

import (
	"context"
	"sort"
	"strings"
	"sync"

	"google.golang.org/grpc/codes"
	gresolver "google.golang.org/grpc/resolver"
	"google.golang.org/grpc/status"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/naming/endpoints"
)

type builder struct {
	c *clientv3.Client
}

// NewBuilder creates a resolver builder for the "etcd" scheme.
func NewBuilder(client *clientv3.Client) (gresolver.Builder, error) {
	return builder{c: client}, nil
}

func (b builder) Scheme() string { return "etcd" }

func (b builder) Build(target gresolver.Target, cc gresolver.ClientConn, _ gresolver.BuildOptions) (gresolver.Resolver, error) {
	name := target.URL.Path
	if name == "" {
		name = target.URL.Opaque
	}
	name = strings.TrimPrefix(name, "/")

	em, err := endpoints.NewManager(b.c, name)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "resolver: failed to new endpoint manager: %s", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	wch, err := em.NewWatchChannel(ctx)
	if err != nil {
		cancel()
		return nil, status.Errorf(codes.Internal, "resolver: failed to new watch channer: %s", err)
	}
	r := &resolver{cc: cc, wch: wch, cancel: cancel}
	r.wg.Add(1)
	go r.watch(ctx)
	return r, nil
}

type resolver struct {
	cc     gresolver.ClientConn
	wch    endpoints.WatchChannel
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// watch keeps the set of endpoints and pushes it to gRPC on every change.
func (r *resolver) watch(ctx context.Context) {
	defer r.wg.Done()
	all := make(map[string]*endpoints.Update)
	for {
		select {
		case <-ctx.Done():
			return
		case ups, ok := <-r.wch:
			if !ok {
				return
			}
			for _, up := range ups {
				switch up.Op {
				case endpoints.Add:
					all[up.Key] = up
				case endpoints.Delete:
					delete(all, up.Key)
				}
			}
			_ = r.cc.UpdateState(gresolver.State{Endpoints: toGRPC(all)})
		}
	}
}

func toGRPC(all map[string]*endpoints.Update) []gresolver.Endpoint {
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	eps := make([]gresolver.Endpoint, 0, len(keys))
	for _, k := range keys {
		eps = append(eps, gresolver.Endpoint{Addresses: []gresolver.Address{{Addr: all[k].Endpoint.Addr}}})
	}
	return eps
}

func (r *resolver) ResolveNow(gresolver.ResolveNowOptions) {}

func (r *resolver) Close() {
	r.cancel()
	r.wg.Wait()
}
