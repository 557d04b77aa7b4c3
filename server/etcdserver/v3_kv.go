package etcdserver

import (
	"context"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
)

// Range reads locally: after a ReadIndex round unless serializable. The
// clock is read once more for the metrics (twice after a ReadIndex round).
func (s *EtcdServer) Range(ctx context.Context, r *pb.RangeRequest) (*pb.RangeResponse, error) {
	start := time.Now()
	rstart := start
	if !r.Serializable {
		if err := s.reads.Wait(ctx); err != nil {
			s.m.observeRequest(reqRange, false, time.Since(start))
			return nil, err
		}
		rstart = time.Now()
	}
	resp, err := apply.Range(ctx, s.kv, r)
	end := time.Now()
	s.m.observeRange(err == nil, end.Sub(rstart))
	s.checkSlowRead("read-only range ", end.Sub(start), err)
	s.m.observeRequest(reqRange, err == nil, end.Sub(start))
	return resp, err
}

// checkSlowRead counts and logs a local read slower than
// warnApplyDuration, as etcd does.
func (s *EtcdServer) checkSlowRead(prefix string, took time.Duration, err error) {
	if took > warnApplyDuration {
		s.m.slowApplies.Inc()
		s.lg.Warn("apply request took too long", zap.Duration("took", took), zap.Duration("expected-duration", warnApplyDuration),
			zap.String("prefix", prefix), zap.Error(err))
	}
}

// proposeWrite proposes a client's write on a pooled InternalRaftRequest,
// into which set puts the write, and takes the request back once its
// result is delivered.
func (s *EtcdServer) proposeWrite(ctx context.Context, set func(*pb.InternalRaftRequest)) (*apply.Result, error) {
	pr := s.reqs.get()
	set(&pr.r)
	res, err := s.propose(ctx, &pr.r)
	s.reqs.release(pr, res)
	return res, err
}

// Put writes through raft.
func (s *EtcdServer) Put(ctx context.Context, r *pb.PutRequest) (*pb.PutResponse, error) {
	res, err := s.proposeWrite(ctx, func(ir *pb.InternalRaftRequest) { ir.Put = r })
	if err != nil {
		return nil, err
	}
	return res.Resp.(*pb.PutResponse), nil
}

// DeleteRange writes through raft.
func (s *EtcdServer) DeleteRange(ctx context.Context, r *pb.DeleteRangeRequest) (*pb.DeleteRangeResponse, error) {
	res, err := s.proposeWrite(ctx, func(ir *pb.InternalRaftRequest) { ir.DeleteRange = r })
	if err != nil {
		return nil, err
	}
	return res.Resp.(*pb.DeleteRangeResponse), nil
}

// txnSerializable: every range of a read-only txn is serializable.
func txnSerializable(r *pb.TxnRequest) bool {
	for _, ops := range [][]*pb.RequestOp{r.Success, r.Failure} {
		for _, op := range ops {
			switch tv := op.Request.(type) {
			case *pb.RequestOp_RequestRange:
				if !tv.RequestRange.Serializable {
					return false
				}
			case *pb.RequestOp_RequestTxn:
				if !txnSerializable(tv.RequestTxn) {
					return false
				}
			}
		}
	}
	return true
}

// Txn serves a read-only txn locally and proposes any other.
func (s *EtcdServer) Txn(ctx context.Context, r *pb.TxnRequest) (*pb.TxnResponse, error) {
	if apply.IsTxnReadOnly(r) {
		if !txnSerializable(r) {
			if err := s.reads.Wait(ctx); err != nil {
				return nil, err
			}
		}
		start := time.Now()
		resp, err := apply.Txn(ctx, s.lg, s.kv, s.lessor, r)
		took := time.Since(start)
		s.checkSlowRead("read-only txn ", took, err)
		s.m.observeRequest(reqReadonlyTxn, err == nil, took)
		return resp, err
	}
	res, err := s.proposeWrite(ctx, func(ir *pb.InternalRaftRequest) { ir.Txn = r })
	if err != nil {
		return nil, err
	}
	return res.Resp.(*pb.TxnResponse), nil
}

// Compact compacts through raft; with Physical it returns once the old
// revisions are gone from the backend.
func (s *EtcdServer) Compact(ctx context.Context, r *pb.CompactionRequest) (*pb.CompactionResponse, error) {
	res, err := s.propose(ctx, &pb.InternalRaftRequest{Compaction: r})
	if err != nil {
		return nil, err
	}
	if r.Physical && res.Physc != nil {
		select {
		case <-res.Physc:
			s.be.ForceCommit()
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.stopc:
			return nil, context.Canceled
		}
	}
	resp := res.Resp.(*pb.CompactionResponse)
	resp.Header.Revision = s.kv.Rev()
	return resp, nil
}

// LinearizableReadNotify returns once a linearizable read may be served.
func (s *EtcdServer) LinearizableReadNotify(ctx context.Context) error { return s.reads.Wait(ctx) }
