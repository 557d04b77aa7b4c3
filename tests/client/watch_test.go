package client

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// nextEvents reads from wch until it got n events (liveness-bounded).
func nextEvents(t *testing.T, wch clientv3.WatchChan, n int) []*clientv3.Event {
	t.Helper()
	var evs []*clientv3.Event
	timeout := time.After(30 * time.Second)
	for len(evs) < n {
		select {
		case wr, ok := <-wch:
			if !ok {
				t.Fatalf("watch closed after %d of %d events", len(evs), n)
			}
			if err := wr.Err(); err != nil {
				t.Fatalf("watch error: %v", err)
			}
			evs = append(evs, wr.Events...)
		case <-timeout:
			t.Fatalf("got %d of %d events", len(evs), n)
		}
	}
	return evs
}

func TestWatchOptions(t *testing.T) {
	forEachServer(t, testWatchOptions)
}

func testWatchOptions(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)

	tests := []struct {
		name  string
		key   string
		opts  []clientv3.OpOption
		check func(t *testing.T, evs []*clientv3.Event)
		n     int
	}{
		{"key", p + "a", nil, func(t *testing.T, evs []*clientv3.Event) {
			if evs[0].Type != mvccpb.Event_PUT || string(evs[0].Kv.Value) != "1" || evs[1].Type != mvccpb.Event_DELETE {
				t.Fatalf("events %v", evs)
			}
		}, 2},
		{"prefix", p, []clientv3.OpOption{clientv3.WithPrefix()}, func(t *testing.T, evs []*clientv3.Event) {
			if string(evs[0].Kv.Key) != p+"a" || string(evs[2].Kv.Key) != p+"b" {
				t.Fatalf("events %v", evs)
			}
		}, 3},
		{"prev kv", p + "b", []clientv3.OpOption{clientv3.WithPrevKV()}, func(t *testing.T, evs []*clientv3.Event) {
			if evs[1].PrevKv == nil || string(evs[1].PrevKv.Value) != "2" {
				t.Fatalf("prev kv %v", evs[1].PrevKv)
			}
		}, 2},
		{"filter put", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithFilterPut()}, func(t *testing.T, evs []*clientv3.Event) {
			if evs[0].Type != mvccpb.Event_DELETE || string(evs[0].Kv.Key) != p+"a" {
				t.Fatalf("events %v", evs)
			}
		}, 1},
		{"filter delete", p + "a", []clientv3.OpOption{clientv3.WithFilterDelete()}, func(t *testing.T, evs []*clientv3.Event) {
			if evs[0].Type != mvccpb.Event_PUT {
				t.Fatalf("events %v", evs)
			}
		}, 1},
	}
	chans := make([]clientv3.WatchChan, len(tests))
	for i, tt := range tests {
		chans[i] = cli.Watch(ctx, tt.key, tt.opts...)
	}
	// a: put, delete; b: put, put
	for _, op := range []clientv3.Op{clientv3.OpPut(p+"a", "1"), clientv3.OpDelete(p + "a"), clientv3.OpPut(p+"b", "2"), clientv3.OpPut(p+"b", "3")} {
		if _, err := cli.Do(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, nextEvents(t, chans[i], tt.n))
		})
	}
}

func TestWatchCreatedNotifyAndHistory(t *testing.T) {
	forEachServer(t, testWatchCreatedNotifyAndHistory)
}

func testWatchCreatedNotifyAndHistory(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	first, err := cli.Put(ctx, p+"k", "old")
	if err != nil {
		t.Fatal(err)
	}
	wch := cli.Watch(ctx, p+"k", clientv3.WithCreatedNotify(), clientv3.WithRev(first.Header.Revision))
	wr := <-wch
	if !wr.Created || wr.Err() != nil {
		t.Fatalf("first response %+v, want created", wr)
	}
	evs := nextEvents(t, wch, 1)
	if string(evs[0].Kv.Value) != "old" {
		t.Fatalf("history event %v", evs[0])
	}
}

func TestWatchRequestProgress(t *testing.T) {
	forEachServer(t, testWatchRequestProgress)
}

func testWatchRequestProgress(t *testing.T, srv *server) {
	cli := srv.single(t)
	p := keyPrefix(t)
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	wch := cli.Watch(ctx, p+"k")
	put, err := cli.Put(ctx, p+"other", "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.RequestProgress(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case wr := <-wch:
		if !wr.IsProgressNotify() || wr.Header.Revision < put.Header.Revision {
			t.Fatalf("got %+v, want a progress notification at >= %d", wr, put.Header.Revision)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no progress notification")
	}
}

func TestWatchCancelClosesChannel(t *testing.T) {
	forEachServer(t, testWatchCancelClosesChannel)
}

func testWatchCancelClosesChannel(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx, cancel := context.WithCancel(testCtx(t))
	wch := cli.Watch(ctx, keyPrefix(t))
	cancel()
	select {
	case _, ok := <-wch:
		if ok {
			t.Fatal("got a response after cancel")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("channel not closed after cancel")
	}
}

func TestWatchFragment(t *testing.T) {
	forEachServer(t, testWatchFragment)
}

func testWatchFragment(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	wch := cli.Watch(ctx, p, clientv3.WithPrefix(), clientv3.WithFragment())
	// one revision with events larger than the server's request limit
	// (1.5 MiB by default) forces fragments
	val := strings.Repeat("x", 200*1024)
	var ops []clientv3.Op
	for i := range 9 {
		ops = append(ops, clientv3.OpPut(fmt.Sprintf("%s%02d", p, i), val))
	}
	for _, op := range ops {
		if _, err := cli.Do(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cli.Delete(ctx, p, clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	evs := nextEvents(t, wch, 18)
	if len(evs) != 18 {
		t.Fatalf("got %d events", len(evs))
	}
}
