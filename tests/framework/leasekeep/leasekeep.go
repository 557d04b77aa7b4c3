package leasekeep

import (
	"context"
	"fmt"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Kept is a set of leases kept alive, with the key put on each.
type Kept struct {
	ids []clientv3.LeaseID
	// created is the creation revision of each key, by key.
	created map[string]int64
}

// Start grants n leases of ttl seconds, puts the key kept/<i> on the i-th
// and keeps every lease alive until keepCtx ends.
func Start(t testing.TB, ctx, keepCtx context.Context, cli *clientv3.Client, n int, ttl int64) *Kept {
	t.Helper()
	k := &Kept{created: map[string]int64{}}
	for i := 0; i < n; i++ {
		g, err := cli.Grant(ctx, ttl)
		if err != nil {
			t.Fatal(err)
		}
		k.ids = append(k.ids, g.ID)
		key := fmt.Sprintf("kept/%d", i)
		pr, err := cli.Put(ctx, key, "v", clientv3.WithLease(g.ID))
		if err != nil {
			t.Fatal(err)
		}
		k.created[key] = pr.Header.Revision
		ch, err := cli.KeepAlive(keepCtx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range ch {
			}
		}()
	}
	return k
}

// Check fails t unless every lease is alive and every key is the one put
// by Start (never expired and recreated).
func (k *Kept) Check(t testing.TB, ctx context.Context, cli *clientv3.Client, round int) {
	t.Helper()
	for i, id := range k.ids {
		kt, err := cli.TimeToLive(ctx, id)
		if err != nil || kt.TTL < 0 {
			t.Fatalf("round %d: kept lease %d: %+v %v", round, i, kt, err)
		}
	}
	r, err := cli.Get(ctx, "kept/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Kvs) != len(k.ids) {
		t.Fatalf("round %d: %d of %d kept keys left", round, len(r.Kvs), len(k.ids))
	}
	for _, kv := range r.Kvs {
		if kv.CreateRevision != k.created[string(kv.Key)] {
			t.Fatalf("round %d: %s recreated", round, kv.Key)
		}
	}
}
