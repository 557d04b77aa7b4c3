package concurrency

import (
	"context"
	"errors"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	v3 "github.com/etcdgo/etcd/client/v3"
)

// errLostWatcher is returned when a watch ends before the awaited delete.
var errLostWatcher = errors.New("lost watcher waiting for delete")

// waitDelete waits until key is deleted, watching from rev.
func waitDelete(ctx context.Context, client *v3.Client, key string, rev int64) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wr v3.WatchResponse
	for wr = range client.Watch(cctx, key, v3.WithRev(rev)) {
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.Event_DELETE {
				return nil
			}
		}
	}
	if err := wr.Err(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errLostWatcher
}

// waitDeletes waits until every key under pfx created at or before
// maxCreateRev is gone, newest first.
func waitDeletes(ctx context.Context, client *v3.Client, pfx string, maxCreateRev int64) (*pb.ResponseHeader, error) {
	getOpts := append(v3.WithLastCreate(), v3.WithMaxCreateRev(maxCreateRev))
	for {
		resp, err := client.Get(ctx, pfx, getOpts...)
		if err != nil {
			return nil, err
		}
		if len(resp.Kvs) == 0 {
			return resp.Header, nil
		}
		if err := waitDelete(ctx, client, string(resp.Kvs[0].Key), resp.Header.Revision); err != nil {
			return nil, err
		}
	}
}
