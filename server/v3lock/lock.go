package v3lock

import (
	"context"

	"github.com/etcdgo/etcd/api/v3/v3lockpb"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
)

type lockServer struct {
	v3lockpb.UnimplementedLockServer
	c *clientv3.Client
}

// NewServer returns the Lock service over client c.
func NewServer(c *clientv3.Client) v3lockpb.LockServer { return &lockServer{c: c} }

// Lock waits until the caller holds the lock name under its lease and
// returns the key that represents ownership.
func (ls *lockServer) Lock(ctx context.Context, r *v3lockpb.LockRequest) (*v3lockpb.LockResponse, error) {
	s, err := concurrency.NewSession(ls.c, concurrency.WithLease(clientv3.LeaseID(r.Lease)), concurrency.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	// The lease is the caller's to keep alive.
	s.Orphan()
	m := concurrency.NewMutex(s, string(r.Name))
	if err := m.Lock(ctx); err != nil {
		return nil, err
	}
	return &v3lockpb.LockResponse{Header: m.Header(), Key: []byte(m.Key())}, nil
}

// Unlock deletes the ownership key.
func (ls *lockServer) Unlock(ctx context.Context, r *v3lockpb.UnlockRequest) (*v3lockpb.UnlockResponse, error) {
	resp, err := ls.c.Delete(ctx, string(r.Key))
	if err != nil {
		return nil, err
	}
	return &v3lockpb.UnlockResponse{Header: resp.Header}, nil
}
