package client

import (
	"context"
	"testing"
	"time"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func TestLease(t *testing.T) {
	forEachServer(t, testLease)
}

func testLease(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)

	g, err := cli.Grant(ctx, 6)
	if err != nil || g.TTL != 6 {
		t.Fatalf("grant: %+v, %v", g, err)
	}
	if _, err := cli.Put(ctx, p+"k", "v", clientv3.WithLease(g.ID)); err != nil {
		t.Fatal(err)
	}
	ttl, err := cli.TimeToLive(ctx, g.ID, clientv3.WithAttachedKeys())
	if err != nil || ttl.GrantedTTL != 6 || len(ttl.Keys) != 1 || string(ttl.Keys[0]) != p+"k" {
		t.Fatalf("time to live: %+v, %v", ttl, err)
	}
	ls, err := cli.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range ls.Leases {
		found = found || l.ID == g.ID
	}
	if !found {
		t.Fatalf("lease %x not in %v", g.ID, ls.Leases)
	}
	once, err := cli.KeepAliveOnce(ctx, g.ID)
	if err != nil || once.ID != g.ID || once.TTL != 6 {
		t.Fatalf("keepalive once: %+v, %v", once, err)
	}

	kctx, kcancel := context.WithCancel(ctx)
	ka, err := cli.KeepAlive(kctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	ka2, err := cli.KeepAlive(ctx, g.ID) // a second subscriber on the same lease
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []<-chan *clientv3.LeaseKeepAliveResponse{ka, ka2} {
		select {
		case r := <-ch:
			if r == nil || r.ID != g.ID {
				t.Fatalf("keepalive response %+v", r)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no keepalive response")
		}
	}
	kcancel()
	for range ka {
	}

	if _, err := cli.Revoke(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	get, err := cli.Get(ctx, p+"k")
	if err != nil || len(get.Kvs) != 0 {
		t.Fatalf("key after revoke: %v, %v", get.Kvs, err)
	}
	for range ka2 { // closes once the server reports the lease gone
	}
	if _, err := cli.Revoke(ctx, g.ID); err != rpctypes.ErrLeaseNotFound {
		t.Fatalf("second revoke: %v, want ErrLeaseNotFound", err)
	}
	if _, err := cli.KeepAliveOnce(ctx, g.ID); err != rpctypes.ErrLeaseNotFound {
		t.Fatalf("keepalive once on revoked lease: %v", err)
	}
}

func TestLeaseExpiresWithoutKeepAlive(t *testing.T) {
	forEachServer(t, testLeaseExpiresWithoutKeepAlive)
}

func testLeaseExpiresWithoutKeepAlive(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	g, err := cli.Grant(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	for {
		ttl, err := cli.TimeToLive(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ttl.TTL == -1 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatal("lease never expired")
		case <-time.After(200 * time.Millisecond):
		}
	}
}
