package apply

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// LeaseApplier is what the lease handlers change (lease.Store).
type LeaseApplier interface {
	// Grant creates a lease and returns the TTL granted.
	Grant(id, ttl int64) (int64, error)
	// Revoke deletes a lease and its keys.
	Revoke(id int64) error
	// Checkpoint records a lease's remaining TTL.
	Checkpoint(id, remaining int64) error
}

func (a *Applier) header() *pb.ResponseHeader { return &pb.ResponseHeader{Revision: a.kv.Rev()} }

func (a *Applier) applyLeaseGrant(_ context.Context, r *pb.InternalRaftRequest) *Result {
	ttl, err := a.leases.Grant(r.LeaseGrant.ID, r.LeaseGrant.TTL)
	if err != nil {
		return &Result{Resp: &pb.LeaseGrantResponse{}, Err: err}
	}
	return &Result{Resp: &pb.LeaseGrantResponse{Header: a.header(), ID: r.LeaseGrant.ID, TTL: ttl}}
}

func (a *Applier) applyLeaseRevoke(_ context.Context, r *pb.InternalRaftRequest) *Result {
	err := a.leases.Revoke(r.LeaseRevoke.ID)
	return &Result{Resp: &pb.LeaseRevokeResponse{Header: a.header()}, Err: err}
}

func (a *Applier) applyLeaseCheckpoint(_ context.Context, r *pb.InternalRaftRequest) *Result {
	for _, c := range r.LeaseCheckpoint.Checkpoints {
		if err := a.leases.Checkpoint(c.ID, c.Remaining_TTL); err != nil {
			return &Result{Resp: &pb.LeaseCheckpointResponse{Header: a.header()}, Err: err}
		}
	}
	return &Result{Resp: &pb.LeaseCheckpointResponse{Header: a.header()}}
}
