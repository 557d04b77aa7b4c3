package clientv3

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

type (
	CompactResponse pb.CompactionResponse
	PutResponse     pb.PutResponse
	GetResponse     pb.RangeResponse
	DeleteResponse  pb.DeleteRangeResponse
	TxnResponse     pb.TxnResponse
	// GetStreamChan delivers the chunks of a GetStream.
	GetStreamChan <-chan RangeStreamResponse
)

// KV is the key-value API.
type KV interface {
	// Put puts a key-value pair into etcd.
	Put(ctx context.Context, key, val string, opts ...OpOption) (*PutResponse, error)

	// Get retrieves keys. By default, Get returns the value for "key", if
	// any. When passed WithRange(end), Get returns the keys in the range
	// [key, end). When passed WithFromKey(), Get returns keys greater than
	// or equal to key. When passed WithRev(rev) with rev > 0, Get
	// retrieves keys at the given revision; if the compacted revision is
	// greater than rev, ErrCompacted is returned; if rev is greater than
	// the latest revision, ErrFutureRev is returned.
	Get(ctx context.Context, key string, opts ...OpOption) (*GetResponse, error)

	// GetStream retrieves keys in chunks over a server stream.
	GetStream(ctx context.Context, key string, opts ...OpOption) (GetStreamChan, error)

	// Delete deletes a key, or optionally using WithRange(end), [key, end).
	Delete(ctx context.Context, key string, opts ...OpOption) (*DeleteResponse, error)

	// Compact compacts etcd KV history before the given rev.
	Compact(ctx context.Context, rev int64, opts ...CompactOption) (*CompactResponse, error)

	// Do applies a single Op on KV without a transaction.
	Do(ctx context.Context, op Op) (OpResponse, error)

	// Txn creates a transaction.
	Txn(ctx context.Context) Txn
}

// RangeStreamResponse is one chunk of a GetStream, or its error.
type RangeStreamResponse struct {
	*pb.RangeResponse
	closeErr error
}

// Err is the error that ended the stream, if any.
func (r *RangeStreamResponse) Err() error { return r.closeErr }

// GetStreamToGetResponse merges the chunks of a GetStream into one
// GetResponse.
func GetStreamToGetResponse(stream GetStreamChan) (*GetResponse, error) {
	resp := &pb.RangeResponse{}
	for r := range stream {
		if err := r.Err(); err != nil {
			return nil, err
		}
		proto.Merge(resp, r.RangeResponse)
	}
	return (*GetResponse)(resp), nil
}

// OpResponse is the response of one Op.
type OpResponse struct {
	put *PutResponse
	get *GetResponse
	del *DeleteResponse
	txn *TxnResponse
}

func (op OpResponse) Put() *PutResponse    { return op.put }
func (op OpResponse) Get() *GetResponse    { return op.get }
func (op OpResponse) Del() *DeleteResponse { return op.del }
func (op OpResponse) Txn() *TxnResponse    { return op.txn }

func (resp *PutResponse) OpResponse() OpResponse    { return OpResponse{put: resp} }
func (resp *GetResponse) OpResponse() OpResponse    { return OpResponse{get: resp} }
func (resp *DeleteResponse) OpResponse() OpResponse { return OpResponse{del: resp} }
func (resp *TxnResponse) OpResponse() OpResponse    { return OpResponse{txn: resp} }

type kv struct {
	remote   pb.KVClient
	callOpts []grpc.CallOption
}

// NewKV returns the KV API of a client.
func NewKV(c *Client) KV {
	api := &kv{remote: RetryKVClient(c)}
	if c != nil {
		api.callOpts = c.callOpts
	}
	return api
}

// NewKVFromKVClient returns a KV over a given gRPC client.
func NewKVFromKVClient(remote pb.KVClient, c *Client) KV {
	api := &kv{remote: remote}
	if c != nil {
		api.callOpts = c.callOpts
	}
	return api
}

func (kv *kv) Put(ctx context.Context, key, val string, opts ...OpOption) (*PutResponse, error) {
	r, err := kv.Do(ctx, OpPut(key, val, opts...))
	return r.put, ContextError(ctx, err)
}

func (kv *kv) Get(ctx context.Context, key string, opts ...OpOption) (*GetResponse, error) {
	r, err := kv.Do(ctx, OpGet(key, opts...))
	return r.get, ContextError(ctx, err)
}

func (kv *kv) Delete(ctx context.Context, key string, opts ...OpOption) (*DeleteResponse, error) {
	r, err := kv.Do(ctx, OpDelete(key, opts...))
	return r.del, ContextError(ctx, err)
}

func (kv *kv) Compact(ctx context.Context, rev int64, opts ...CompactOption) (*CompactResponse, error) {
	resp, err := kv.remote.Compact(ctx, OpCompact(rev, opts...).toRequest(), kv.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	return (*CompactResponse)(resp), nil
}

func (kv *kv) Txn(ctx context.Context) Txn {
	return &txn{kv: kv, ctx: ctx, callOpts: kv.callOpts}
}

func (kv *kv) GetStream(ctx context.Context, key string, opts ...OpOption) (GetStreamChan, error) {
	op := OpGet(key, opts...)
	stream, err := kv.remote.RangeStream(ctx, op.toRangeRequest(), kv.callOpts...)
	if err != nil {
		return nil, ContextError(ctx, err)
	}
	out := make(chan RangeStreamResponse, 1)
	go func() {
		defer close(out)
		for {
			resp, err := stream.Recv()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					out <- RangeStreamResponse{closeErr: ContextError(ctx, err)}
				}
				return
			}
			out <- RangeStreamResponse{RangeResponse: resp.GetRangeResponse()}
		}
	}()
	return out, nil
}

func (kv *kv) Do(ctx context.Context, op Op) (OpResponse, error) {
	var err error
	switch op.t {
	case tRange:
		if !op.IsSortOptionValid() {
			return OpResponse{}, rpctypes.ErrInvalidSortOption
		}
		var resp *pb.RangeResponse
		if resp, err = kv.remote.Range(ctx, op.toRangeRequest(), kv.callOpts...); err == nil {
			return OpResponse{get: (*GetResponse)(resp)}, nil
		}
	case tPut:
		var resp *pb.PutResponse
		if resp, err = kv.remote.Put(ctx, op.toPutRequest(), kv.callOpts...); err == nil {
			return OpResponse{put: (*PutResponse)(resp)}, nil
		}
	case tDeleteRange:
		var resp *pb.DeleteRangeResponse
		if resp, err = kv.remote.DeleteRange(ctx, op.toDeleteRequest(), kv.callOpts...); err == nil {
			return OpResponse{del: (*DeleteResponse)(resp)}, nil
		}
	case tTxn:
		var resp *pb.TxnResponse
		if resp, err = kv.remote.Txn(ctx, op.toTxnRequest(), kv.callOpts...); err == nil {
			return OpResponse{txn: (*TxnResponse)(resp)}, nil
		}
	default:
		panic("Unknown op")
	}
	return OpResponse{}, ContextError(ctx, err)
}
