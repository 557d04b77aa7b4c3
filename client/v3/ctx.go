package clientv3

import (
	"context"

	"google.golang.org/grpc/metadata"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"github.com/etcdgo/etcd/api/v3/version"
)

// WithRequireLeader requires the client to fail calls (and close watch
// channels) with rpctypes.ErrNoLeader when the server it talks to has no
// leader.
func WithRequireLeader(ctx context.Context) context.Context {
	return withOutgoing(ctx, rpctypes.MetadataRequireLeaderKey, rpctypes.MetadataHasLeader)
}

// withVersion tags outgoing calls with the client's API version.
func withVersion(ctx context.Context) context.Context {
	return withOutgoing(ctx, rpctypes.MetadataClientAPIVersionKey, version.APIVersion)
}

func withOutgoing(ctx context.Context, key, val string) context.Context {
	md, ok := metadata.FromOutgoingContext(ctx)
	if !ok {
		return metadata.NewOutgoingContext(ctx, metadata.Pairs(key, val))
	}
	md = md.Copy() // the caller's metadata may be shared
	md.Set(key, val)
	return metadata.NewOutgoingContext(ctx, md)
}
