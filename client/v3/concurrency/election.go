package concurrency

import (
	"context"
	"errors"
	"fmt"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	v3 "github.com/etcdgo/etcd/client/v3"
)

var (
	// ErrElectionNotLeader is returned when the election's leader key is
	// not held by this session.
	ErrElectionNotLeader = errors.New("election: not leader")
	// ErrElectionNoLeader is returned when there is no leader.
	ErrElectionNoLeader = errors.New("election: no leader")
)

// Election is a leader election under a key prefix: candidates queue by
// the create revision of their key; the lowest revision leads.
type Election struct {
	session *Session

	keyPrefix string

	leaderKey     string
	leaderRev     int64
	leaderSession *Session
	hdr           *pb.ResponseHeader
}

// NewElection returns a new election on a given key prefix.
func NewElection(s *Session, pfx string) *Election {
	return &Election{session: s, keyPrefix: pfx + "/"}
}

// ResumeElection initializes an election with a known leader.
func ResumeElection(s *Session, pfx string, leaderKey string, leaderRev int64) *Election {
	return &Election{
		keyPrefix:     pfx,
		session:       s,
		leaderKey:     leaderKey,
		leaderRev:     leaderRev,
		leaderSession: s,
	}
}

// Campaign puts a value as eligible for the election on the prefix key.
// Multiple sessions can participate in the election for the same prefix,
// but only one can be the leader at a time.
//
// If the context is 'context.TODO()/context.Background()', the Campaign
// will continue to be blocked for other keys to be deleted, unless server
// returns a non-recoverable error (e.g. ErrCompacted). Otherwise, until
// the context is not cancelled or timed-out, Campaign will continue to be
// blocked until it becomes the leader.
func (e *Election) Campaign(ctx context.Context, val string) error {
	s := e.session
	client := s.Client()

	k := fmt.Sprintf("%s%x", e.keyPrefix, s.Lease())
	resp, err := client.Txn(ctx).
		If(v3.Compare(v3.CreateRevision(k), "=", 0)).
		Then(v3.OpPut(k, val, v3.WithLease(s.Lease()))).
		Else(v3.OpGet(k)).
		Commit()
	if err != nil {
		return err
	}
	e.leaderKey, e.leaderRev, e.leaderSession = k, resp.Header.Revision, s
	if !resp.Succeeded {
		// already campaigning with this session: keep our place
		kv := resp.Responses[0].GetResponseRange().Kvs[0]
		e.leaderRev = kv.CreateRevision
		if string(kv.Value) != val {
			if err := e.Proclaim(ctx, val); err != nil {
				_ = e.Resign(ctx)
				return err
			}
		}
	}

	if _, err := waitDeletes(ctx, client, e.keyPrefix, e.leaderRev-1); err != nil {
		// clean up in case of context cancel
		select {
		case <-ctx.Done():
			_ = e.Resign(client.Ctx())
		default:
			e.leaderSession = nil
		}
		return err
	}
	e.hdr = resp.Header
	return nil
}

// Proclaim lets the leader announce a new value without another election.
func (e *Election) Proclaim(ctx context.Context, val string) error {
	if e.leaderSession == nil {
		return ErrElectionNotLeader
	}
	client := e.session.Client()
	resp, err := client.Txn(ctx).
		If(v3.Compare(v3.CreateRevision(e.leaderKey), "=", e.leaderRev)).
		Then(v3.OpPut(e.leaderKey, val, v3.WithLease(e.leaderSession.Lease()))).
		Commit()
	if err != nil {
		return err
	}
	if !resp.Succeeded {
		e.leaderKey = ""
		return ErrElectionNotLeader
	}
	e.hdr = resp.Header
	return nil
}

// Resign lets a leader start a new election.
func (e *Election) Resign(ctx context.Context) (err error) {
	if e.leaderSession == nil {
		return nil
	}
	client := e.session.Client()
	resp, err := client.Txn(ctx).
		If(v3.Compare(v3.CreateRevision(e.leaderKey), "=", e.leaderRev)).
		Then(v3.OpDelete(e.leaderKey)).
		Commit()
	if err == nil {
		e.hdr = resp.Header
	}
	e.leaderKey = ""
	e.leaderSession = nil
	return err
}

// Leader returns the leader value for the current election.
func (e *Election) Leader(ctx context.Context) (*v3.GetResponse, error) {
	resp, err := e.session.Client().Get(ctx, e.keyPrefix, v3.WithFirstCreate()...)
	if err != nil {
		return nil, err
	}
	if len(resp.Kvs) == 0 {
		return nil, ErrElectionNoLeader
	}
	return resp, nil
}

// Observe returns a channel that reliably observes ordered leader
// proposals as GetResponse values on every current elected leader key. It
// will not necessarily fetch all historical leader updates, but will
// always post the most recent leader value.
//
// The channel closes when the context is canceled or the underlying
// watcher is otherwise disrupted.
func (e *Election) Observe(ctx context.Context) <-chan *v3.GetResponse {
	retc := make(chan *v3.GetResponse)
	go e.observe(ctx, retc)
	return retc
}

func (e *Election) observe(ctx context.Context, ch chan<- *v3.GetResponse) {
	client := e.session.Client()
	defer close(ch)
	for {
		hdr, kv, ok := e.currentLeader(ctx)
		if !ok {
			return
		}
		select {
		case ch <- &v3.GetResponse{Header: hdr, Kvs: []*mvccpb.KeyValue{kv}}:
		case <-ctx.Done():
			return
		}
		if !e.followLeader(ctx, client, hdr, kv, ch) {
			return
		}
	}
}

// currentLeader returns the leader's key, waiting for one if there is
// none.
func (e *Election) currentLeader(ctx context.Context) (*pb.ResponseHeader, *mvccpb.KeyValue, bool) {
	client := e.session.Client()
	resp, err := client.Get(ctx, e.keyPrefix, v3.WithFirstCreate()...)
	if err != nil {
		return nil, nil, false
	}
	if len(resp.Kvs) > 0 {
		return resp.Header, resp.Kvs[0], true
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wch := client.Watch(cctx, e.keyPrefix, v3.WithRev(resp.Header.Revision), v3.WithPrefix())
	for wr := range wch {
		if wr.Err() != nil {
			return nil, nil, false
		}
		// only accept puts; a delete would make observe spin
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.Event_PUT {
				hdr := wr.Header
				// the batch may hold several revisions: report the put's
				hdr.Revision = ev.Kv.ModRevision
				return hdr, ev.Kv, true
			}
		}
	}
	return nil, nil, false
}

// followLeader posts the leader's new values until its key is deleted
// (true) or the watch ends (false).
func (e *Election) followLeader(ctx context.Context, client *v3.Client, hdr *pb.ResponseHeader, kv *mvccpb.KeyValue, ch chan<- *v3.GetResponse) bool {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for wr := range client.Watch(cctx, string(kv.Key), v3.WithRev(hdr.Revision+1)) {
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.Event_DELETE {
				return true
			}
			select {
			case ch <- &v3.GetResponse{Header: wr.Header, Kvs: []*mvccpb.KeyValue{ev.Kv}}:
			case <-cctx.Done():
				return false
			}
		}
	}
	return false
}

// Key returns the leader key if elected, empty string otherwise.
func (e *Election) Key() string { return e.leaderKey }

// Rev returns the leader key's creation revision, if elected.
func (e *Election) Rev() int64 { return e.leaderRev }

// Header is the response header from the last successful election proposal.
func (e *Election) Header() *pb.ResponseHeader { return e.hdr }
