package apply

import (
	"bytes"
	"context"
	"math"
	"sort"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/lease"
)

// Range reads r from kv in its own read transaction.
func Range(ctx context.Context, kv mvcc.KV, r *pb.RangeRequest) (*pb.RangeResponse, error) {
	tr := kv.Read(ctx)
	defer tr.End()
	return rangeIn(ctx, tr, r, true)
}

// gteEnd turns the client's "\x00" (every key from key on) into mvcc's
// empty end.
func gteEnd(end []byte) []byte {
	if len(end) == 0 {
		return nil
	}
	if len(end) == 1 && end[0] == 0 {
		return []byte{}
	}
	return end
}

func defaultOrdering(t pb.RangeRequest_SortTarget, o pb.RangeRequest_SortOrder) bool {
	return o == pb.RangeRequest_NONE || (t == pb.RangeRequest_KEY && o == pb.RangeRequest_ASCEND)
}

func hasRevFilters(r *pb.RangeRequest) bool {
	return r.MinModRevision != 0 || r.MaxModRevision != 0 || r.MinCreateRevision != 0 || r.MaxCreateRevision != 0
}

func rangeIn(ctx context.Context, rv mvcc.ReadView, r *pb.RangeRequest, totalCount bool) (*pb.RangeResponse, error) {
	limit := r.Limit
	if !defaultOrdering(r.SortTarget, r.SortOrder) || hasRevFilters(r) {
		limit = 0
	}
	if limit > 0 && limit < math.MaxInt64 {
		limit++ // one more tells whether there are more
	}
	rr, err := rv.Range(ctx, r.Key, gteEnd(r.RangeEnd), mvcc.RangeOptions{
		Limit:          limit,
		Rev:            r.Revision,
		CountOnly:      r.CountOnly,
		WithTotalCount: totalCount,
	})
	if err != nil {
		return nil, err
	}
	kvs := filterKVs(rr.KVs, r)
	sortKVs(kvs, r)
	resp := newRangeResponse()
	resp.Header.Revision, resp.Count = rr.Rev, int64(rr.Count)
	if r.Limit > 0 && int64(len(kvs)) > r.Limit {
		kvs = kvs[:r.Limit]
		resp.More = true
	}
	if r.KeysOnly {
		for _, kv := range kvs {
			kv.Value = nil
		}
	}
	resp.Kvs = kvs
	return resp, nil
}

func filterKVs(kvs []*mvccpb.KeyValue, r *pb.RangeRequest) []*mvccpb.KeyValue {
	if !hasRevFilters(r) {
		return kvs
	}
	out := kvs[:0]
	for _, kv := range kvs {
		switch {
		case r.MaxModRevision != 0 && kv.ModRevision > r.MaxModRevision:
		case r.MinModRevision != 0 && kv.ModRevision < r.MinModRevision:
		case r.MaxCreateRevision != 0 && kv.CreateRevision > r.MaxCreateRevision:
		case r.MinCreateRevision != 0 && kv.CreateRevision < r.MinCreateRevision:
		default:
			out = append(out, kv)
		}
	}
	return out
}

func sortKVs(kvs []*mvccpb.KeyValue, r *pb.RangeRequest) {
	order := r.SortOrder
	if r.SortTarget != pb.RangeRequest_KEY && order == pb.RangeRequest_NONE {
		order = pb.RangeRequest_ASCEND
	}
	if defaultOrdering(r.SortTarget, order) {
		return
	}
	var less func(a, b *mvccpb.KeyValue) bool
	switch r.SortTarget {
	case pb.RangeRequest_KEY:
		less = func(a, b *mvccpb.KeyValue) bool { return bytes.Compare(a.Key, b.Key) < 0 }
	case pb.RangeRequest_VERSION:
		less = func(a, b *mvccpb.KeyValue) bool { return a.Version < b.Version }
	case pb.RangeRequest_CREATE:
		less = func(a, b *mvccpb.KeyValue) bool { return a.CreateRevision < b.CreateRevision }
	case pb.RangeRequest_MOD:
		less = func(a, b *mvccpb.KeyValue) bool { return a.ModRevision < b.ModRevision }
	case pb.RangeRequest_VALUE:
		less = func(a, b *mvccpb.KeyValue) bool { return bytes.Compare(a.Value, b.Value) < 0 }
	default:
		return
	}
	if order == pb.RangeRequest_DESCEND {
		asc := less
		less = func(a, b *mvccpb.KeyValue) bool { return asc(b, a) }
	}
	sort.SliceStable(kvs, func(i, j int) bool { return less(kvs[i], kvs[j]) })
}

// Put applies p in its own write transaction.
func Put(ctx context.Context, kv mvcc.KV, le lease.Lessor, p *pb.PutRequest) (*pb.PutResponse, error) {
	resp := newPutResponse()
	if err := putInto(ctx, kv, le, p, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// putInto is Put writing into resp, whose Header is set.
func putInto(ctx context.Context, kv mvcc.KV, le lease.Lessor, p *pb.PutRequest, resp *pb.PutResponse) error {
	tw := kv.Write(ctx)
	defer tw.End()
	prev, err := checkPut(ctx, tw, le, p)
	if err != nil {
		return err
	}
	fillPut(tw, p, prev, resp)
	return nil
}

// checkPut validates p against the state and returns the previous value
// when p needs it.
func checkPut(ctx context.Context, rv mvcc.ReadView, le lease.Lessor, p *pb.PutRequest) (*mvccpb.KeyValue, error) {
	prev, err := prevKV(ctx, rv, p)
	if err != nil {
		return nil, err
	}
	if (p.IgnoreValue || p.IgnoreLease) && prev == nil {
		return nil, errs.ErrKeyNotFound
	}
	if p.Lease != lease.NoLease && !le.Exists(p.Lease) {
		return nil, errs.ErrLeaseNotFound
	}
	return prev, nil
}

func prevKV(ctx context.Context, rv mvcc.ReadView, p *pb.PutRequest) (*mvccpb.KeyValue, error) {
	if !p.IgnoreValue && !p.IgnoreLease && !p.PrevKv {
		return nil, nil
	}
	rr, err := rv.Range(ctx, p.Key, nil, mvcc.RangeOptions{})
	if err != nil {
		return nil, err
	}
	if len(rr.KVs) == 0 {
		return nil, nil
	}
	return rr.KVs[0], nil
}

func put(tw mvcc.TxnWrite, p *pb.PutRequest, prev *mvccpb.KeyValue) *pb.PutResponse {
	resp := newPutResponse()
	fillPut(tw, p, prev, resp)
	return resp
}

// fillPut writes p and fills resp, whose Header is set.
func fillPut(tw mvcc.TxnWrite, p *pb.PutRequest, prev *mvccpb.KeyValue, resp *pb.PutResponse) {
	val, leaseID := p.Value, p.Lease
	if p.IgnoreValue {
		val = prev.Value
	}
	if p.IgnoreLease {
		leaseID = prev.Lease
	}
	if p.PrevKv && prev != nil {
		resp.PrevKv = prev
	}
	resp.Header.Revision = tw.Put(p.Key, val, leaseID)
}

// DeleteRange applies d in its own write transaction.
func DeleteRange(ctx context.Context, kv mvcc.KV, d *pb.DeleteRangeRequest) (*pb.DeleteRangeResponse, error) {
	tw := kv.Write(ctx)
	defer tw.End()
	return deleteRange(ctx, tw, d)
}

func deleteRange(ctx context.Context, tw mvcc.TxnWrite, d *pb.DeleteRangeRequest) (*pb.DeleteRangeResponse, error) {
	resp := &pb.DeleteRangeResponse{Header: &pb.ResponseHeader{}}
	end := gteEnd(d.RangeEnd)
	if d.PrevKv {
		rr, err := tw.Range(ctx, d.Key, end, mvcc.RangeOptions{})
		if err != nil {
			return nil, err
		}
		resp.PrevKvs = rr.KVs
	}
	resp.Deleted, resp.Header.Revision = tw.DeleteRange(d.Key, end)
	return resp, nil
}
