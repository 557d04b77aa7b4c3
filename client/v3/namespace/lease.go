package namespace

import (
	"bytes"
	"context"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

type leasePrefix struct {
	clientv3.Lease
	pfx []byte
}

// NewLease wraps a Lease interface to filter for only keys with a prefix
// and remove that prefix when fetching attached keys through TimeToLive.
func NewLease(l clientv3.Lease, prefix string) clientv3.Lease {
	return &leasePrefix{l, []byte(prefix)}
}

func (l *leasePrefix) TimeToLive(ctx context.Context, id clientv3.LeaseID, opts ...clientv3.LeaseOption) (*clientv3.LeaseTimeToLiveResponse, error) {
	resp, err := l.Lease.TimeToLive(ctx, id, opts...)
	if err != nil {
		return nil, err
	}
	if len(resp.Keys) > 0 {
		var keys [][]byte
		for _, k := range resp.Keys {
			if bytes.HasPrefix(k, l.pfx) {
				keys = append(keys, k[len(l.pfx):])
			}
		}
		resp.Keys = keys
	}
	return resp, nil
}
