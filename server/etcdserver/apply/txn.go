package apply

import (
	"bytes"
	"context"
	"fmt"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/server/v3/lease"
)

// IsTxnReadOnly reports whether r, with its nested txns, only reads.
func IsTxnReadOnly(r *pb.TxnRequest) bool {
	for _, ops := range [][]*pb.RequestOp{r.Success, r.Failure} {
		for _, op := range ops {
			switch tv := op.Request.(type) {
			case *pb.RequestOp_RequestRange:
			case *pb.RequestOp_RequestTxn:
				if !IsTxnReadOnly(tv.RequestTxn) {
					return false
				}
			case nil:
			default:
				return false
			}
		}
	}
	return true
}

// Txn evaluates the compares of r and runs the chosen branch. A read-only
// txn runs in a read transaction, anything else in one write transaction.
func Txn(ctx context.Context, lg *zap.Logger, kv mvcc.KV, le lease.Lessor, r *pb.TxnRequest) (*pb.TxnResponse, error) {
	if le == nil {
		le = lease.NoLessor{}
	}
	if IsTxnReadOnly(r) {
		tr := kv.Read(ctx)
		defer tr.End()
		path := comparePath(ctx, tr, r)
		if err := checkTxn(ctx, tr, le, r, path); err != nil {
			return nil, err
		}
		return runTxn(ctx, lg, readOnlyWrite{tr}, r, path, false)
	}
	tw := kv.Write(ctx)
	defer tw.End()
	path := comparePath(ctx, tw, r)
	if err := checkTxn(ctx, tw, le, r, path); err != nil {
		return nil, err
	}
	return runTxn(ctx, lg, tw, r, path, true)
}

// readOnlyWrite lets a read transaction run a txn that never writes.
type readOnlyWrite struct{ mvcc.TxnRead }

func (readOnlyWrite) DeleteRange(key, end []byte) (int64, int64) {
	panic("apply: write in read-only txn")
}
func (readOnlyWrite) Put(key, value []byte, lease int64) int64 {
	panic("apply: write in read-only txn")
}
func (readOnlyWrite) Changes() []*mvccpb.KeyValue { return nil }

func branch(r *pb.TxnRequest, ok bool) []*pb.RequestOp {
	if ok {
		return r.Success
	}
	return r.Failure
}

// comparePath evaluates, depth first, the compares of r and of the nested
// txns on the chosen branches.
func comparePath(ctx context.Context, rv mvcc.ReadView, r *pb.TxnRequest) []bool {
	ok := compares(ctx, rv, r.Compare)
	path := []bool{ok}
	for _, op := range branch(r, ok) {
		if tv, isTxn := op.Request.(*pb.RequestOp_RequestTxn); isTxn && tv.RequestTxn != nil {
			path = append(path, comparePath(ctx, rv, tv.RequestTxn)...)
		}
	}
	return path
}

func compares(ctx context.Context, rv mvcc.ReadView, cs []*pb.Compare) bool {
	for _, c := range cs {
		if !compare(ctx, rv, c) {
			return false
		}
	}
	return true
}

// compare holds when every key of c's range satisfies it; on no key, a
// value compare fails and the others compare against zeros.
func compare(ctx context.Context, rv mvcc.ReadView, c *pb.Compare) bool {
	rr, err := rv.Range(ctx, c.Key, gteEnd(c.RangeEnd), mvcc.RangeOptions{})
	if err != nil {
		return false
	}
	if len(rr.KVs) == 0 {
		if c.Target == pb.Compare_VALUE {
			return false
		}
		return compareKV(c, &mvccpb.KeyValue{})
	}
	for _, kv := range rr.KVs {
		if !compareKV(c, kv) {
			return false
		}
	}
	return true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareKV(c *pb.Compare, kv *mvccpb.KeyValue) bool {
	var res int
	switch c.Target {
	case pb.Compare_VALUE:
		res = bytes.Compare(kv.Value, c.GetValue())
	case pb.Compare_CREATE:
		res = cmpInt(kv.CreateRevision, c.GetCreateRevision())
	case pb.Compare_MOD:
		res = cmpInt(kv.ModRevision, c.GetModRevision())
	case pb.Compare_VERSION:
		res = cmpInt(kv.Version, c.GetVersion())
	case pb.Compare_LEASE:
		res = cmpInt(kv.Lease, c.GetLease())
	}
	switch c.Result {
	case pb.Compare_EQUAL:
		return res == 0
	case pb.Compare_NOT_EQUAL:
		return res != 0
	case pb.Compare_GREATER:
		return res > 0
	case pb.Compare_LESS:
		return res < 0
	}
	return false
}

// checkTxn checks the chosen branches against the state (ranges at
// compacted or future revisions, puts needing a missing key or lease); it
// returns how many nested txns it walked.
func checkTxn(ctx context.Context, rv mvcc.ReadView, le lease.Lessor, r *pb.TxnRequest, path []bool) error {
	_, err := checkBranch(ctx, rv, le, r, path)
	return err
}

func checkBranch(ctx context.Context, rv mvcc.ReadView, le lease.Lessor, r *pb.TxnRequest, path []bool) (int, error) {
	n := 0
	for _, op := range branch(r, path[0]) {
		switch tv := op.Request.(type) {
		case *pb.RequestOp_RequestRange:
			if rev := tv.RequestRange.Revision; rev != 0 {
				if rev > rv.Rev() {
					return 0, mvcc.ErrFutureRev
				}
				if rev < rv.FirstRev() {
					return 0, mvcc.ErrCompacted
				}
			}
		case *pb.RequestOp_RequestPut:
			if _, err := checkPut(ctx, rv, le, tv.RequestPut); err != nil {
				return 0, err
			}
		case *pb.RequestOp_RequestTxn:
			sub, err := checkBranch(ctx, rv, le, tv.RequestTxn, path[1+n:])
			if err != nil {
				return 0, err
			}
			n += sub + 1
		}
	}
	return n, nil
}

// runTxn executes the chosen branches; the header revision is the txn's.
func runTxn(ctx context.Context, lg *zap.Logger, tw mvcc.TxnWrite, r *pb.TxnRequest, path []bool, write bool) (*pb.TxnResponse, error) {
	resp := &pb.TxnResponse{Header: &pb.ResponseHeader{}}
	_, err := execBranch(ctx, tw, r, path, resp)
	if err != nil {
		if write {
			// A write txn that fails half way would break atomicity and
			// diverge members: stop here, as etcd does.
			lg.Panic("unexpected error during txn with writes", zap.Error(err))
		}
		return nil, err
	}
	// Only the outer header carries the revision; nested txn headers stay
	// empty, as etcd's.
	resp.Header.Revision = txnRev(tw)
	return resp, nil
}

func txnRev(tw mvcc.TxnWrite) int64 {
	if len(tw.Changes()) != 0 {
		return tw.Rev() + 1
	}
	return tw.Rev()
}

func execBranch(ctx context.Context, tw mvcc.TxnWrite, r *pb.TxnRequest, path []bool, resp *pb.TxnResponse) (int, error) {
	resp.Succeeded = path[0]
	ops := branch(r, path[0])
	resp.Responses = make([]*pb.ResponseOp, 0, len(ops))
	n := 0
	for _, op := range ops {
		switch tv := op.Request.(type) {
		case *pb.RequestOp_RequestRange:
			rr, err := rangeIn(ctx, tw, tv.RequestRange, true)
			if err != nil {
				return 0, fmt.Errorf("applyTxn: failed Range: %w", err)
			}
			resp.Responses = append(resp.Responses, &pb.ResponseOp{Response: &pb.ResponseOp_ResponseRange{ResponseRange: rr}})
		case *pb.RequestOp_RequestPut:
			prev, err := prevKV(ctx, tw, tv.RequestPut)
			if err != nil {
				return 0, fmt.Errorf("applyTxn: failed to get prevKV on put: %w", err)
			}
			pr := put(tw, tv.RequestPut, prev)
			resp.Responses = append(resp.Responses, &pb.ResponseOp{Response: &pb.ResponseOp_ResponsePut{ResponsePut: pr}})
		case *pb.RequestOp_RequestDeleteRange:
			dr, err := deleteRange(ctx, tw, tv.RequestDeleteRange)
			if err != nil {
				return 0, fmt.Errorf("applyTxn: failed DeleteRange: %w", err)
			}
			resp.Responses = append(resp.Responses, &pb.ResponseOp{Response: &pb.ResponseOp_ResponseDeleteRange{ResponseDeleteRange: dr}})
		case *pb.RequestOp_RequestTxn:
			sub := &pb.TxnResponse{Header: &pb.ResponseHeader{}}
			k, err := execBranch(ctx, tw, tv.RequestTxn, path[1+n:], sub)
			if err != nil {
				return 0, err
			}
			n += k + 1
			resp.Responses = append(resp.Responses, &pb.ResponseOp{Response: &pb.ResponseOp_ResponseTxn{ResponseTxn: sub}})
		default:
			resp.Responses = append(resp.Responses, &pb.ResponseOp{})
		}
	}
	return n, nil
}
