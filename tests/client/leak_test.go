package client

import (
	"context"
	"io"
	"testing"

	"go.uber.org/goleak"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

// TestCloseLeavesNoGoroutines uses every long-lived part of a client
// (watch streams, keepalive stream, sessions, snapshot) and checks that
// Close leaves no goroutine behind.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	forEachServer(t, testCloseLeavesNoGoroutines)
}

func testCloseLeavesNoGoroutines(t *testing.T, srv *server) {
	eps := srv.shared(t, 1).Endpoints()
	ignore := goleak.IgnoreCurrent()

	cli, err := clientv3.New(clientv3.Config{Endpoints: eps, AutoSyncInterval: 100e6})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	p := keyPrefix(t)
	wch := cli.Watch(context.Background(), p, clientv3.WithPrefix())
	_ = cli.Watch(clientv3.WithRequireLeader(context.Background()), p+"x")
	if _, err := cli.Put(ctx, p+"k", "v"); err != nil {
		t.Fatal(err)
	}
	<-wch
	lease, err := cli.Grant(ctx, 30)
	if err != nil {
		t.Fatal(err)
	}
	ka, err := cli.KeepAlive(context.Background(), lease.ID)
	if err != nil {
		t.Fatal(err)
	}
	<-ka
	s, err := concurrency.NewSession(cli, concurrency.WithTTL(30))
	if err != nil {
		t.Fatal(err)
	}
	m := concurrency.NewMutex(s, p+"lock")
	if err := m.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	if srv.Has(refetcd.Snapshot) {
		rc, err := cli.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			t.Fatal(err)
		}
		_ = rc.Close()
	} else {
		t.Logf("no snapshot stream: %s server does not implement %s yet", srv.Name, refetcd.Snapshot)
	}
	if _, err := cli.Status(ctx, eps[0]); err != nil {
		t.Fatal(err)
	}

	if err := cli.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	<-s.Done()
	for range wch {
	}
	for range ka {
	}
	goleak.VerifyNone(t, ignore)
}
