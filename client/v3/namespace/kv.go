package namespace

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

type kvPrefix struct {
	clientv3.KV
	pfx string
}

// NewKV wraps a KV instance so that all requests are prefixed with a
// given string.
func NewKV(kv clientv3.KV, prefix string) clientv3.KV {
	return &kvPrefix{kv, prefix}
}

// emptyKeyOK reports whether an empty key is meaningful with opts (a
// prefix or from-key range over the whole namespace).
func emptyKeyOK(opts []clientv3.OpOption) bool {
	return clientv3.IsOptsWithFromKey(opts) || clientv3.IsOptsWithPrefix(opts)
}

func (kv *kvPrefix) Put(ctx context.Context, key, val string, opts ...clientv3.OpOption) (*clientv3.PutResponse, error) {
	if key == "" {
		return nil, rpctypes.ErrEmptyKey
	}
	r, err := kv.KV.Do(ctx, kv.prefixOp(clientv3.OpPut(key, val, opts...)))
	if err != nil {
		return nil, err
	}
	kv.unprefixPut(r.Put())
	return r.Put(), nil
}

func (kv *kvPrefix) Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error) {
	if key == "" && !emptyKeyOK(opts) {
		return nil, rpctypes.ErrEmptyKey
	}
	op := clientv3.OpGet(key, opts...)
	if !op.IsSortOptionValid() {
		return nil, rpctypes.ErrInvalidSortOption
	}
	r, err := kv.KV.Do(ctx, kv.prefixOp(op))
	if err != nil {
		return nil, err
	}
	kv.unprefixGet(r.Get())
	return r.Get(), nil
}

// GetStream is not supported by kvPrefix.
func (kv *kvPrefix) GetStream(context.Context, string, ...clientv3.OpOption) (clientv3.GetStreamChan, error) {
	return nil, status.Error(codes.Unimplemented, "GetStream is not supported by kvPrefix")
}

func (kv *kvPrefix) Delete(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.DeleteResponse, error) {
	if key == "" && !emptyKeyOK(opts) {
		return nil, rpctypes.ErrEmptyKey
	}
	r, err := kv.KV.Do(ctx, kv.prefixOp(clientv3.OpDelete(key, opts...)))
	if err != nil {
		return nil, err
	}
	kv.unprefixDelete(r.Del())
	return r.Del(), nil
}

func (kv *kvPrefix) Do(ctx context.Context, op clientv3.Op) (clientv3.OpResponse, error) {
	if len(op.KeyBytes()) == 0 && !op.IsTxn() {
		return clientv3.OpResponse{}, rpctypes.ErrEmptyKey
	}
	r, err := kv.KV.Do(ctx, kv.prefixOp(op))
	if err != nil {
		return r, err
	}
	kv.unprefixGet(r.Get())
	kv.unprefixPut(r.Put())
	kv.unprefixDelete(r.Del())
	kv.unprefixTxn(r.Txn())
	return r, nil
}

type txnPrefix struct {
	clientv3.Txn
	kv *kvPrefix
}

func (kv *kvPrefix) Txn(ctx context.Context) clientv3.Txn {
	return &txnPrefix{kv.KV.Txn(ctx), kv}
}

func (txn *txnPrefix) If(cs ...clientv3.Cmp) clientv3.Txn {
	txn.Txn = txn.Txn.If(txn.kv.prefixCmps(cs)...)
	return txn
}

func (txn *txnPrefix) Then(ops ...clientv3.Op) clientv3.Txn {
	txn.Txn = txn.Txn.Then(txn.kv.prefixOps(ops)...)
	return txn
}

func (txn *txnPrefix) Else(ops ...clientv3.Op) clientv3.Txn {
	txn.Txn = txn.Txn.Else(txn.kv.prefixOps(ops)...)
	return txn
}

func (txn *txnPrefix) Commit() (*clientv3.TxnResponse, error) {
	resp, err := txn.Txn.Commit()
	if err != nil {
		return nil, err
	}
	txn.kv.unprefixTxn(resp)
	return resp, nil
}

func (kv *kvPrefix) prefixOp(op clientv3.Op) clientv3.Op {
	if op.IsTxn() {
		cmps, thenOps, elseOps := op.Txn()
		return clientv3.OpTxn(kv.prefixCmps(cmps), kv.prefixOps(thenOps), kv.prefixOps(elseOps))
	}
	key, end := prefixInterval(kv.pfx, op.KeyBytes(), op.RangeBytes())
	op.WithKeyBytes(key)
	op.WithRangeBytes(end)
	return op
}

func (kv *kvPrefix) prefixCmps(cs []clientv3.Cmp) []clientv3.Cmp {
	out := make([]clientv3.Cmp, len(cs))
	for i := range cs {
		out[i] = cs[i].Clone()
		rangeEnd := cs[i].GetCompare().GetRangeEnd()
		key, end := prefixInterval(kv.pfx, cs[i].KeyBytes(), rangeEnd)
		out[i].WithKeyBytes(key)
		if len(rangeEnd) != 0 {
			out[i].GetCompare().RangeEnd = end
		}
	}
	return out
}

func (kv *kvPrefix) prefixOps(ops []clientv3.Op) []clientv3.Op {
	out := make([]clientv3.Op, len(ops))
	for i := range ops {
		out[i] = kv.prefixOp(ops[i])
	}
	return out
}

func (kv *kvPrefix) strip(key []byte) []byte { return key[len(kv.pfx):] }

func (kv *kvPrefix) unprefixGet(resp *clientv3.GetResponse) {
	if resp == nil {
		return
	}
	for _, item := range resp.Kvs {
		item.Key = kv.strip(item.Key)
	}
}

func (kv *kvPrefix) unprefixPut(resp *clientv3.PutResponse) {
	if resp != nil && resp.PrevKv != nil {
		resp.PrevKv.Key = kv.strip(resp.PrevKv.Key)
	}
}

func (kv *kvPrefix) unprefixDelete(resp *clientv3.DeleteResponse) {
	if resp == nil {
		return
	}
	for _, item := range resp.PrevKvs {
		item.Key = kv.strip(item.Key)
	}
}

func (kv *kvPrefix) unprefixTxn(resp *clientv3.TxnResponse) {
	if resp == nil {
		return
	}
	for _, r := range resp.Responses {
		switch tv := r.Response.(type) {
		case *pb.ResponseOp_ResponseRange:
			kv.unprefixGet((*clientv3.GetResponse)(tv.ResponseRange))
		case *pb.ResponseOp_ResponsePut:
			kv.unprefixPut((*clientv3.PutResponse)(tv.ResponsePut))
		case *pb.ResponseOp_ResponseDeleteRange:
			kv.unprefixDelete((*clientv3.DeleteResponse)(tv.ResponseDeleteRange))
		case *pb.ResponseOp_ResponseTxn:
			kv.unprefixTxn((*clientv3.TxnResponse)(tv.ResponseTxn))
		}
	}
}
