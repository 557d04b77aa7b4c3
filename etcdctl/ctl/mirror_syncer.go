package ctl

import (
	"context"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// mirrorBatch is how many keys one page of the base copy reads.
const mirrorBatch = 1000

// mirrorSyncer reads a prefix at one revision, then watches it from there.
type mirrorSyncer struct {
	c      *clientv3.Client
	prefix string
	rev    int64
}

func newMirrorSyncer(c *clientv3.Client, prefix string, rev int64) *mirrorSyncer {
	return &mirrorSyncer{c: c, prefix: prefix, rev: rev}
}

// syncBase pages through the prefix at one revision (the current one when
// none was given), handing each page to put.
func (s *mirrorSyncer) syncBase(ctx context.Context, put func([]*mvccpb.KeyValue) error) error {
	key, end := s.prefix, clientv3.GetPrefixRangeEnd(s.prefix)
	if s.prefix == "" {
		key, end = "\x00", "\x00"
	}
	opts := []clientv3.OpOption{clientv3.WithLimit(mirrorBatch), clientv3.WithRange(end), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend)}
	if s.rev > 0 {
		opts = append(opts, clientv3.WithRev(s.rev))
	}
	for {
		resp, err := s.c.Get(ctx, key, opts...)
		if err != nil {
			return err
		}
		if s.rev == 0 {
			s.rev = resp.Header.Revision
			opts = append(opts, clientv3.WithRev(s.rev))
		}
		if err := put(resp.Kvs); err != nil {
			return err
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return nil
		}
		key = string(append(resp.Kvs[len(resp.Kvs)-1].Key, 0))
	}
}

// syncUpdates watches the prefix from the revision after the base copy.
func (s *mirrorSyncer) syncUpdates(ctx context.Context) clientv3.WatchChan {
	if s.rev == 0 {
		panic("mirror: syncUpdates before a revision is known")
	}
	return s.c.Watch(ctx, s.prefix, clientv3.WithPrefix(), clientv3.WithRev(s.rev+1))
}
