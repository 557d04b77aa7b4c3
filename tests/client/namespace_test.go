package client

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/namespace"
	"github.com/etcdgo/etcd/client/v3/naming/endpoints"
	"github.com/etcdgo/etcd/client/v3/naming/resolver"
)

func TestNamespace(t *testing.T) {
	forEachServer(t, testNamespace)
}

func testNamespace(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	kv := namespace.NewKV(cli.KV, p)
	w := namespace.NewWatcher(cli.Watcher, p)
	l := namespace.NewLease(cli.Lease, p)
	defer w.Close()

	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	wch := w.Watch(wctx, "", clientv3.WithPrefix())

	g, err := cli.Grant(ctx, 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "a", "1", clientv3.WithLease(g.ID)); err != nil {
		t.Fatal(err)
	}
	put, err := kv.Put(ctx, "a", "2", clientv3.WithPrevKV(), clientv3.WithIgnoreLease())
	if err != nil || string(put.PrevKv.Key) != "a" {
		t.Fatalf("put prev kv: %v %v", put, err)
	}
	raw, err := cli.Get(ctx, p+"a")
	if err != nil || len(raw.Kvs) != 1 {
		t.Fatalf("raw key: %v %v", raw, err)
	}
	get, err := kv.Get(ctx, "", clientv3.WithPrefix())
	if err != nil || len(get.Kvs) != 1 || string(get.Kvs[0].Key) != "a" {
		t.Fatalf("namespaced get: %v %v", get, err)
	}
	txn, err := kv.Txn(ctx).If(clientv3.Compare(clientv3.Value("a"), "=", "2")).Then(clientv3.OpGet("a")).Commit()
	if err != nil || !txn.Succeeded || string(txn.Responses[0].GetResponseRange().Kvs[0].Key) != "a" {
		t.Fatalf("namespaced txn: %v %v", txn, err)
	}
	ttl, err := l.TimeToLive(ctx, g.ID, clientv3.WithAttachedKeys())
	if err != nil || len(ttl.Keys) != 1 || string(ttl.Keys[0]) != "a" {
		t.Fatalf("namespaced ttl keys: %v %v", ttl, err)
	}
	evs := nextEvents(t, wch, 2)
	if string(evs[0].Kv.Key) != "a" || string(evs[1].Kv.Key) != "a" {
		t.Fatalf("namespaced events %v", evs)
	}
}

func TestNamingEndpointsAndResolver(t *testing.T) {
	forEachServer(t, testNamingEndpointsAndResolver)
}

func testNamingEndpointsAndResolver(t *testing.T, srv *server) {
	eps := srv.shared(t, 1).Endpoints()
	cli := srv.single(t)
	ctx := testCtx(t)
	target := keyPrefix(t) + "svc"
	em, err := endpoints.NewManager(cli, target)
	if err != nil {
		t.Fatal(err)
	}
	wch, err := em.NewWatchChannel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// register the etcd member itself as the service's endpoint
	addr := eps[0][len("http://"):]
	if err := em.AddEndpoint(ctx, target+"/one", endpoints.Endpoint{Addr: addr}); err != nil {
		t.Fatal(err)
	}
	if err := em.AddEndpoint(ctx, "elsewhere/x", endpoints.Endpoint{Addr: addr}); err == nil {
		t.Fatal("a key outside the target was accepted")
	}
	list, err := em.List(ctx)
	if err != nil || list[target+"/one"].Addr != addr {
		t.Fatalf("list: %v %v", list, err)
	}
	select {
	case ups := <-wch:
		if len(ups) != 1 || ups[0].Op != endpoints.Add || ups[0].Endpoint.Addr != addr {
			t.Fatalf("updates %v", ups)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no update")
	}

	b, err := resolver.NewBuilder(cli)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient("etcd:///"+target, grpc.WithResolvers(b),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st, err := pb.NewMaintenanceClient(conn).Status(ctx, &pb.StatusRequest{}, grpc.WaitForReady(true))
	if err != nil || st.Version == "" {
		t.Fatalf("status through the resolver: %v %v", st, err)
	}
	if err := em.DeleteEndpoint(ctx, target+"/one"); err != nil {
		t.Fatal(err)
	}
	if list, err := em.List(ctx); err != nil || len(list) != 0 {
		t.Fatalf("list after delete: %v %v", list, err)
	}
}
