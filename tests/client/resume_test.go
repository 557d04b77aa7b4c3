package client

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// writeUntil puts p+"k" with increasing values until stop closes, through a
// client on other members, and returns the revisions it wrote.
func writeUntil(t *testing.T, cli *clientv3.Client, key string, stop <-chan struct{}) []int64 {
	var revs []int64
	for i := 0; ; i++ {
		select {
		case <-stop:
			return revs
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := cli.Put(ctx, key, fmt.Sprint(i))
		cancel()
		if err != nil {
			// a write may fail while a member restarts; only acknowledged
			// revisions are checked
			continue
		}
		revs = append(revs, resp.Header.Revision)
		time.Sleep(5 * time.Millisecond)
	}
}

// collect reads events for key from wch until it saw lastRev.
func collect(t *testing.T, wch clientv3.WatchChan, lastRev int64) []int64 {
	t.Helper()
	var got []int64
	timeout := time.After(60 * time.Second)
	for len(got) == 0 || got[len(got)-1] < lastRev {
		select {
		case wr, ok := <-wch:
			if !ok {
				t.Fatalf("watch closed after revision %v", got)
			}
			if err := wr.Err(); err != nil {
				t.Fatalf("watch error: %v", err)
			}
			for _, ev := range wr.Events {
				got = append(got, ev.Kv.ModRevision)
			}
		case <-timeout:
			t.Fatalf("watch stalled: saw %d events, want up to revision %d", len(got), lastRev)
		}
	}
	return got
}

// checkExactlyOnce fails unless got is exactly want: every acknowledged
// write seen once, in order, nothing else.
func checkExactlyOnce(t *testing.T, got, want []int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("watch saw %d events, %d writes were acknowledged", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("event %d: revision %d, want %d", i, got[i], want[i])
		}
	}
}

// TestWatchResumesAcrossMemberRestart: a watcher connected to one member of
// three sees every event exactly once while that member is restarted and
// writes go on through the others.
func TestWatchResumesAcrossMemberRestart(t *testing.T) {
	forEachServer(t, testWatchResumesAcrossMemberRestart)
}

func testWatchResumesAcrossMemberRestart(t *testing.T, srv *server) {
	c := srv.shared(t, 3)
	eps := c.Endpoints()
	watchCli := newClient(t, clientv3.Config{Endpoints: eps[:1]})
	writeCli := newClient(t, clientv3.Config{Endpoints: eps[1:]})
	key := keyPrefix(t) + "k"

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wch := watchCli.Watch(ctx, key)

	stop := make(chan struct{})
	var revs []int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		revs = writeUntil(t, writeCli, key, stop)
	}()

	time.Sleep(300 * time.Millisecond) // some events before the restart
	if err := c.Stop(0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // writes while the member is down
	if err := c.Start(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // and after it is back
	close(stop)
	wg.Wait()
	if len(revs) == 0 {
		t.Fatal("no write succeeded")
	}
	checkExactlyOnce(t, collect(t, wch, revs[len(revs)-1]), revs)
}

// TestWatchResumesAcrossEndpointSwitch: moving the client to another
// member resumes the watch there without loss or duplicate.
func TestWatchResumesAcrossEndpointSwitch(t *testing.T) {
	forEachServer(t, testWatchResumesAcrossEndpointSwitch)
}

func testWatchResumesAcrossEndpointSwitch(t *testing.T, srv *server) {
	c := srv.shared(t, 3)
	eps := c.Endpoints()
	watchCli := newClient(t, clientv3.Config{Endpoints: eps[:1]})
	writeCli := newClient(t, clientv3.Config{Endpoints: eps})
	key := keyPrefix(t) + "k"

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wch := watchCli.Watch(ctx, key, clientv3.WithPrevKV())

	stop := make(chan struct{})
	var revs []int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		revs = writeUntil(t, writeCli, key, stop)
	}()
	time.Sleep(200 * time.Millisecond)
	watchCli.SetEndpoints(eps[2])
	time.Sleep(200 * time.Millisecond)
	watchCli.SetEndpoints(eps[1])
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	checkExactlyOnce(t, collect(t, wch, revs[len(revs)-1]), revs)
}

// TestFailoverToLiveEndpoint: with one member of three down, calls
// through a client of all endpoints keep working.
func TestFailoverToLiveEndpoint(t *testing.T) {
	forEachServer(t, testFailoverToLiveEndpoint)
}

func testFailoverToLiveEndpoint(t *testing.T, srv *server) {
	c := srv.shared(t, 3)
	cli := newClient(t, clientv3.Config{Endpoints: c.Endpoints()})
	ctx := testCtx(t)
	p := keyPrefix(t)
	if _, err := cli.Put(ctx, p+"k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(2); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := c.Start(context.Background(), 2); err != nil {
			t.Fatal(err)
		}
	}()
	for i := range 20 {
		if _, err := cli.Get(ctx, p+"k"); err != nil {
			t.Fatalf("get %d with a member down: %v", i, err)
		}
		if _, err := cli.Put(ctx, p+"k", fmt.Sprint(i)); err != nil {
			t.Fatalf("put %d with a member down: %v", i, err)
		}
	}
	mresp, err := cli.MemberList(ctx)
	if err != nil || len(mresp.Members) != 3 {
		t.Fatalf("member list: %v, %v", mresp, err)
	}
}
