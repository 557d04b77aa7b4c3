package e2e

import (
	"context"
	"errors"
	"testing"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

func TestLease(t *testing.T) {
	_, cli := startMember(t, e2e.Config{})
	ctx := ctxT(t)

	t.Run("grant, ttl with keys, leases, revoke", func(t *testing.T) {
		// The minimum TTL is ceil(1.5 election timeouts) = 2s by default.
		g, err := cli.Grant(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if g.TTL != 2 || g.ID <= 0 {
			t.Fatalf("grant: id %x ttl %d", g.ID, g.TTL)
		}
		g2, err := cli.Grant(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Put(ctx, "ls/a", "1", clientv3.WithLease(g2.ID)); err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Put(ctx, "ls/b", "1", clientv3.WithLease(g2.ID)); err != nil {
			t.Fatal(err)
		}
		ttl, err := cli.TimeToLive(ctx, g2.ID, clientv3.WithAttachedKeys())
		if err != nil {
			t.Fatal(err)
		}
		if ttl.GrantedTTL != 100 || ttl.TTL <= 0 || ttl.TTL > 100 || len(ttl.Keys) != 2 || string(ttl.Keys[0]) != "ls/a" {
			t.Fatalf("ttl: %+v", ttl)
		}
		ls, err := cli.Leases(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, l := range ls.Leases {
			if l.ID == g.ID || l.ID == g2.ID {
				found++
			}
		}
		if found != 2 {
			t.Fatalf("leases: %v", ls.Leases)
		}
		// ignore_lease keeps the lease; a put without lease detaches.
		if _, err := cli.Put(ctx, "ls/a", "2", clientv3.WithIgnoreLease()); err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Put(ctx, "ls/b", "2"); err != nil {
			t.Fatal(err)
		}
		ttl, _ = cli.TimeToLive(ctx, g2.ID, clientv3.WithAttachedKeys())
		if len(ttl.Keys) != 1 || string(ttl.Keys[0]) != "ls/a" {
			t.Fatalf("keys after detach: %q", ttl.Keys)
		}
		wch := cli.Watch(ctx, "ls/", clientv3.WithPrefix())
		rv, err := cli.Revoke(ctx, g2.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := nextResp(t, wch)
		if len(r.Events) != 1 || r.Events[0].Type != mvccpb.DELETE || string(r.Events[0].Kv.Key) != "ls/a" || r.Header.Revision != rv.Header.Revision {
			t.Fatalf("revoke events: %s at %d (revoke %d)", evString(r.Events), r.Header.Revision, rv.Header.Revision)
		}
		gr, _ := cli.Get(ctx, "ls/", clientv3.WithPrefix())
		if len(gr.Kvs) != 1 || string(gr.Kvs[0].Key) != "ls/b" {
			t.Fatalf("after revoke: %v", gr.Kvs)
		}
		ttl, err = cli.TimeToLive(ctx, g2.ID)
		if err != nil || ttl.TTL != -1 {
			t.Fatalf("ttl of revoked lease: %+v %v", ttl, err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		if _, err := cli.Revoke(ctx, 0x1234); !errors.Is(err, rpctypes.ErrLeaseNotFound) {
			t.Fatalf("revoke unknown: %v", err)
		}
		if _, err := cli.Put(ctx, "ls/x", "1", clientv3.WithLease(0x1234)); !errors.Is(err, rpctypes.ErrLeaseNotFound) {
			t.Fatalf("put with unknown lease: %v", err)
		}
		if _, err := cli.Txn(ctx).Then(clientv3.OpPut("ls/x", "1", clientv3.WithLease(0x1234))).Commit(); !errors.Is(err, rpctypes.ErrLeaseNotFound) {
			t.Fatalf("txn put with unknown lease: %v", err)
		}
		if _, err := cli.Grant(ctx, 9000000001); !errors.Is(err, rpctypes.ErrLeaseTTLTooLarge) {
			t.Fatalf("too large: %v", err)
		}
		g, err := cli.Lease.Grant(ctx, 30)
		if err != nil {
			t.Fatal(err)
		}
		// A requested ID that exists.
		pbl := clientv3.RetryLeaseClient(cli)
		if _, err := pbl.LeaseGrant(ctx, leaseGrantReq(int64(g.ID), 30)); !errors.Is(rpctypes.Error(err), rpctypes.ErrLeaseExist) {
			t.Fatalf("grant existing id: %v", err)
		}
		resp, err := pbl.LeaseGrant(ctx, leaseGrantReq(0x7777, 30))
		if err != nil || resp.ID != 0x7777 {
			t.Fatalf("grant with id: %v %v", resp, err)
		}
		ka, err := cli.KeepAliveOnce(ctx, 0x4321)
		if !errors.Is(err, rpctypes.ErrLeaseNotFound) {
			t.Fatalf("keepalive of unknown lease: %v %v", ka, err)
		}
	})

	t.Run("keepalive keeps, expiry deletes with events", func(t *testing.T) {
		kept, err := cli.Grant(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		short, err := cli.Grant(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		cli.Put(ctx, "exp/kept", "1", clientv3.WithLease(kept.ID))
		cli.Put(ctx, "exp/a", "1", clientv3.WithLease(short.ID))
		p, _ := cli.Put(ctx, "exp/b", "1", clientv3.WithLease(short.ID))
		kctx, kcancel := context.WithCancel(ctx)
		defer kcancel()
		kach, err := cli.KeepAlive(kctx, kept.ID)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range kach {
			}
		}()
		wch := cli.Watch(ctx, "exp/", clientv3.WithPrefix(), clientv3.WithRev(p.Header.Revision+1))
		r := nextResp(t, wch)
		if len(r.Events) != 2 || r.Events[0].Type != mvccpb.DELETE || string(r.Events[0].Kv.Key) != "exp/a" || string(r.Events[1].Kv.Key) != "exp/b" {
			t.Fatalf("expiry events: %s", evString(r.Events))
		}
		ttl, _ := cli.TimeToLive(ctx, short.ID)
		if ttl.TTL != -1 {
			t.Fatalf("expired lease still there: %+v", ttl)
		}
		// The kept lease outlived the short one: it is still there with its key.
		ttl, _ = cli.TimeToLive(ctx, kept.ID)
		g, _ := cli.Get(ctx, "exp/kept")
		if ttl.TTL <= 0 || len(g.Kvs) != 1 {
			t.Fatalf("kept lease: %+v, key %v", ttl, g.Kvs)
		}
	})
}

func leaseGrantReq(id, ttl int64) *pb.LeaseGrantRequest {
	return &pb.LeaseGrantRequest{ID: id, TTL: ttl}
}
