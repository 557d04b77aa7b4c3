package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

type kvServer struct {
	pb.UnimplementedKVServer
	s         Server
	hdr       *header
	maxTxnOps int
}

func (k *kvServer) Range(ctx context.Context, r *pb.RangeRequest) (*pb.RangeResponse, error) {
	if err := checkRange(r); err != nil {
		return nil, err
	}
	resp, err := k.s.Range(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	k.hdr.fill(resp.Header)
	return resp, nil
}

func (k *kvServer) Put(ctx context.Context, r *pb.PutRequest) (*pb.PutResponse, error) {
	if err := (quotaGuard{k.s}).check(ctx, r); err != nil {
		return nil, err
	}
	if err := checkPut(r); err != nil {
		return nil, err
	}
	resp, err := k.s.Put(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	k.hdr.fill(resp.Header)
	return resp, nil
}

func (k *kvServer) DeleteRange(ctx context.Context, r *pb.DeleteRangeRequest) (*pb.DeleteRangeResponse, error) {
	if err := checkDelete(r); err != nil {
		return nil, err
	}
	resp, err := k.s.DeleteRange(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	k.hdr.fill(resp.Header)
	return resp, nil
}

func (k *kvServer) Txn(ctx context.Context, r *pb.TxnRequest) (*pb.TxnResponse, error) {
	if err := (quotaGuard{k.s}).check(ctx, r); err != nil {
		return nil, err
	}
	if err := checkTxn(r, k.maxTxnOps); err != nil {
		return nil, err
	}
	resp, err := k.s.Txn(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	k.hdr.fill(resp.Header)
	return resp, nil
}

func (k *kvServer) Compact(ctx context.Context, r *pb.CompactionRequest) (*pb.CompactionResponse, error) {
	resp, err := k.s.Compact(ctx, r)
	if err != nil {
		return nil, togRPCError(err)
	}
	k.hdr.fill(resp.Header)
	return resp, nil
}
