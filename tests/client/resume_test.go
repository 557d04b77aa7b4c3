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
	// the watched member is a follower: this is about the watch, not
	// about writes while a leader is gone (TestFailoverToLiveEndpoint)
	_, followers := roles(t, c)
	m := followers[0]
	watchCli := newClient(t, clientv3.Config{Endpoints: eps[m : m+1]})
	writeCli := newClient(t, clientv3.Config{Endpoints: others(eps, m)})
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
	if err := c.Stop(m); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // writes while the member is down
	if err := c.Start(context.Background(), m); err != nil {
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

// TestFailoverToLiveEndpoint: with one member of three stopped, writes
// through the others succeed at once and calls through a client of all
// endpoints keep working, whether the member was a follower or the leader
// (a leader stopped gracefully hands leadership over first).
func TestFailoverToLiveEndpoint(t *testing.T) {
	forEachServer(t, testFailoverToLiveEndpoint)
}

func testFailoverToLiveEndpoint(t *testing.T, srv *server) {
	c := srv.shared(t, 3)
	cli := newClient(t, clientv3.Config{Endpoints: c.Endpoints()})
	for _, role := range []string{"follower", "leader"} {
		t.Run(role+" stopped", func(t *testing.T) {
			ctx := testCtx(t)
			p := keyPrefix(t)
			if _, err := cli.Put(ctx, p+"k", "v"); err != nil {
				t.Fatal(err)
			}
			leader, followers := roles(t, c)
			stop := leader
			if role == "follower" {
				stop = followers[len(followers)-1]
			}
			survivors := newClient(t, clientv3.Config{Endpoints: others(c.Endpoints(), stop)})
			if _, err := survivors.Get(ctx, p+"k"); err != nil { // connected
				t.Fatal(err)
			}
			if err := c.Stop(stop); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := c.Start(context.Background(), stop); err != nil {
					t.Fatal(err)
				}
			}()
			// at once, through a member that stays
			if _, err := survivors.Put(ctx, p+"k", "right after"); err != nil {
				t.Fatalf("put right after the %s stopped: %v", role, err)
			}
			for i := range 20 {
				if _, err := cli.Get(ctx, p+"k"); err != nil {
					t.Fatalf("get %d with the %s down: %v", i, role, err)
				}
				if _, err := cli.Put(ctx, p+"k", fmt.Sprint(i)); err != nil {
					t.Fatalf("put %d with the %s down: %v", i, role, err)
				}
			}
			mresp, err := cli.MemberList(ctx)
			if err != nil || len(mresp.Members) != 3 {
				t.Fatalf("member list: %v, %v", mresp, err)
			}
		})
	}
}

// roles returns the index of the leader of c and those of the followers,
// as the members report them.
func roles(t *testing.T, c Target) (leader int, followers []int) {
	t.Helper()
	cli := newClient(t, clientv3.Config{Endpoints: c.Endpoints()})
	ctx := testCtx(t)
	leader = -1
	for i, ep := range c.Endpoints() {
		st, err := cli.Status(ctx, ep)
		if err != nil {
			t.Fatalf("status of %s: %v", ep, err)
		}
		if st.Leader == st.Header.MemberId {
			leader = i
		} else {
			followers = append(followers, i)
		}
	}
	if leader < 0 {
		t.Fatal("no member is leader")
	}
	return leader, followers
}

// others returns eps without eps[i].
func others(eps []string, i int) []string {
	out := append([]string(nil), eps[:i]...)
	return append(out, eps[i+1:]...)
}

// TestWatchResumesBeforeFirstEvent: a watch without a start revision that
// has delivered nothing yet resumes after its member restarts, without
// losing the write made while the member was down.
func TestWatchResumesBeforeFirstEvent(t *testing.T) {
	forEachServer(t, testWatchResumesBeforeFirstEvent)
}

func testWatchResumesBeforeFirstEvent(t *testing.T, srv *server) {
	c := srv.shared(t, 3)
	eps := c.Endpoints()
	// the watched member is a follower: this is about the watch, not
	// about writes while a leader is gone (TestFailoverToLiveEndpoint)
	_, followers := roles(t, c)
	m := followers[0]
	watchCli := newClient(t, clientv3.Config{Endpoints: eps[m : m+1]})
	writeCli := newClient(t, clientv3.Config{Endpoints: others(eps, m)})
	ctx := testCtx(t)
	key := keyPrefix(t) + "k"

	before, err := writeCli.Put(ctx, key, "before")
	if err != nil {
		t.Fatal(err)
	}
	// the watch starts at the current revision; wait until the member
	// (which may lag behind the writer's) has applied the put, so that
	// the put is history for the watch, not an event
	if _, err := watchCli.Get(ctx, key, clientv3.WithRev(before.Header.Revision)); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wch := watchCli.Watch(wctx, key, clientv3.WithCreatedNotify())
	if wr := <-wch; !wr.Created {
		t.Fatalf("first response %+v, want created", wr)
	}
	if err := c.Stop(m); err != nil {
		t.Fatal(err)
	}
	after, err := writeCli.Put(ctx, key, "after")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := collect(t, wch, after.Header.Revision)
	want := []int64{after.Header.Revision}
	// etcd's client resumes a watch without a start revision that has
	// seen no event yet from the revision of its creation, not the one
	// after (client/v3/watch.go, serveSubstream: "a current revision
	// watch must resume at the store revision"), so it may deliver again
	// the put made before the watch, when that put is the store revision
	// at creation. Ours resumes after it, by design.
	if etcdClient && len(got) == 2 && got[0] == before.Header.Revision {
		t.Logf("etcd's client delivered the put at %d from before the watch on resume", got[0])
		got = got[1:]
	}
	checkExactlyOnce(t, got, want)
}
