package v3election

import (
	"context"
	"errors"

	"github.com/etcdgo/etcd/api/v3/v3electionpb"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
)

// ErrMissingLeaderKey is etcd's error for a request without "leader".
var ErrMissingLeaderKey = errors.New(`"leader" field must be provided`)

type electionServer struct {
	v3electionpb.UnimplementedElectionServer
	c *clientv3.Client
}

// NewServer returns the Election service over client c.
func NewServer(c *clientv3.Client) v3electionpb.ElectionServer { return &electionServer{c: c} }

// session wraps the caller's lease without keeping it alive; lease -1
// means none (read-only calls).
func (es *electionServer) session(ctx context.Context, leaseID int64) (*concurrency.Session, error) {
	s, err := concurrency.NewSession(es.c, concurrency.WithLease(clientv3.LeaseID(leaseID)), concurrency.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	s.Orphan()
	return s, nil
}

func (es *electionServer) Campaign(ctx context.Context, r *v3electionpb.CampaignRequest) (*v3electionpb.CampaignResponse, error) {
	s, err := es.session(ctx, r.Lease)
	if err != nil {
		return nil, err
	}
	e := concurrency.NewElection(s, string(r.Name))
	if err := e.Campaign(ctx, string(r.Value)); err != nil {
		return nil, err
	}
	return &v3electionpb.CampaignResponse{
		Header: e.Header(),
		Leader: &v3electionpb.LeaderKey{Name: r.Name, Key: []byte(e.Key()), Rev: e.Rev(), Lease: int64(s.Lease())},
	}, nil
}

func (es *electionServer) Proclaim(ctx context.Context, r *v3electionpb.ProclaimRequest) (*v3electionpb.ProclaimResponse, error) {
	if r.Leader == nil {
		return nil, ErrMissingLeaderKey
	}
	s, err := es.session(ctx, r.Leader.Lease)
	if err != nil {
		return nil, err
	}
	e := concurrency.ResumeElection(s, string(r.Leader.Name), string(r.Leader.Key), r.Leader.Rev)
	if err := e.Proclaim(ctx, string(r.Value)); err != nil {
		return nil, err
	}
	return &v3electionpb.ProclaimResponse{Header: e.Header()}, nil
}

func (es *electionServer) Leader(ctx context.Context, r *v3electionpb.LeaderRequest) (*v3electionpb.LeaderResponse, error) {
	s, err := es.session(ctx, -1)
	if err != nil {
		return nil, err
	}
	l, err := concurrency.NewElection(s, string(r.Name)).Leader(ctx)
	if err != nil {
		return nil, err
	}
	return &v3electionpb.LeaderResponse{Header: l.Header, Kv: l.Kvs[0]}, nil
}

func (es *electionServer) Observe(r *v3electionpb.LeaderRequest, stream v3electionpb.Election_ObserveServer) error {
	ctx := stream.Context()
	s, err := es.session(ctx, -1)
	if err != nil {
		return err
	}
	ch := concurrency.NewElection(s, string(r.Name)).Observe(ctx)
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case resp, ok := <-ch:
			if !ok {
				return nil
			}
			if err := stream.Send(&v3electionpb.LeaderResponse{Header: resp.Header, Kv: resp.Kvs[0]}); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

func (es *electionServer) Resign(ctx context.Context, r *v3electionpb.ResignRequest) (*v3electionpb.ResignResponse, error) {
	if r.Leader == nil {
		return nil, ErrMissingLeaderKey
	}
	s, err := es.session(ctx, r.Leader.Lease)
	if err != nil {
		return nil, err
	}
	e := concurrency.ResumeElection(s, string(r.Leader.Name), string(r.Leader.Key), r.Leader.Rev)
	if err := e.Resign(ctx); err != nil {
		return nil, err
	}
	return &v3electionpb.ResignResponse{Header: e.Header()}, nil
}
