package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	epb "go.etcd.io/etcd/server/v3/etcdserver/api/v3election/v3electionpb"
	lpb "go.etcd.io/etcd/server/v3/etcdserver/api/v3lock/v3lockpb"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

func newSession(t *testing.T, cli *clientv3.Client, ttl int) *concurrency.Session {
	t.Helper()
	s, err := concurrency.NewSession(cli, concurrency.WithTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConcurrency(t *testing.T) {
	p, cli := startMember(t, e2e.Config{})
	ctx := ctxT(t)

	t.Run("session lease is kept alive and revoked on close", func(t *testing.T) {
		s, err := concurrency.NewSession(cli, concurrency.WithTTL(3))
		if err != nil {
			t.Fatal(err)
		}
		cli.Put(ctx, "sess/k", "v", clientv3.WithLease(s.Lease()))
		// Several TTLs pass: the key stays.
		for i := 0; i < 4; i++ {
			ttl, err := cli.TimeToLive(ctx, s.Lease())
			if err != nil || ttl.TTL <= 0 {
				t.Fatalf("session lease: %+v %v", ttl, err)
			}
			time.Sleep(time.Second)
		}
		if g, _ := cli.Get(ctx, "sess/k"); len(g.Kvs) != 1 {
			t.Fatal("session key gone while kept alive")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		<-s.Done()
		if g, _ := cli.Get(ctx, "sess/k"); len(g.Kvs) != 0 {
			t.Fatal("session key stays after close")
		}
	})

	t.Run("mutex with two contenders and TryLock", func(t *testing.T) {
		cli2 := newClient(t, p.ClientURL)
		s1, s2 := newSession(t, cli, 10), newSession(t, cli2, 10)
		m1, m2 := concurrency.NewMutex(s1, "mtx/"), concurrency.NewMutex(s2, "mtx/")
		if err := m1.Lock(ctx); err != nil {
			t.Fatal(err)
		}
		if err := m2.TryLock(ctx); !errors.Is(err, concurrency.ErrLocked) {
			t.Fatalf("TryLock while held: %v", err)
		}
		var order []string
		var mu sync.Mutex
		got := make(chan struct{})
		go func() {
			if err := m2.Lock(ctx); err != nil {
				t.Error(err)
			}
			mu.Lock()
			order = append(order, "m2")
			mu.Unlock()
			close(got)
		}()
		// m2 waits on m1's key; release after recording our turn.
		for {
			r, _ := cli.Get(ctx, "mtx/", clientv3.WithPrefix())
			if len(r.Kvs) == 2 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		order = append(order, "m1")
		mu.Unlock()
		if err := m1.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
		<-got
		if fmt.Sprint(order) != "[m1 m2]" {
			t.Fatalf("order %v", order)
		}
		if err := m1.TryLock(ctx); !errors.Is(err, concurrency.ErrLocked) {
			t.Fatalf("TryLock by m1: %v", err)
		}
		m2.Unlock(ctx)
		if err := m1.TryLock(ctx); err != nil {
			t.Fatalf("TryLock when free: %v", err)
		}
		m1.Unlock(ctx)
	})

	t.Run("election campaign, proclaim, observe, resign", func(t *testing.T) {
		cli2 := newClient(t, p.ClientURL)
		s1, s2 := newSession(t, cli, 10), newSession(t, cli2, 10)
		e1, e2 := concurrency.NewElection(s1, "elect/"), concurrency.NewElection(s2, "elect/")
		octx, ocancel := context.WithCancel(ctx)
		defer ocancel()
		obs := concurrency.NewElection(s2, "elect/").Observe(octx)
		if err := e1.Campaign(ctx, "one"); err != nil {
			t.Fatal(err)
		}
		expectLeader := func(v string) {
			t.Helper()
			for {
				select {
				case r := <-obs:
					if string(r.Kvs[0].Value) == v {
						return
					}
				case <-time.After(20 * time.Second):
					t.Fatalf("observer never saw %q", v)
				}
			}
		}
		expectLeader("one")
		if err := e1.Proclaim(ctx, "one-again"); err != nil {
			t.Fatal(err)
		}
		expectLeader("one-again")
		won := make(chan error, 1)
		go func() { won <- e2.Campaign(ctx, "two") }()
		select {
		case err := <-won:
			t.Fatalf("second candidate won while first leads: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
		l, err := e2.Leader(ctx)
		if err != nil || string(l.Kvs[0].Value) != "one-again" {
			t.Fatalf("leader: %v %v", l, err)
		}
		if err := e1.Resign(ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-won; err != nil {
			t.Fatal(err)
		}
		expectLeader("two")
		if err := e1.Proclaim(ctx, "x"); !errors.Is(err, concurrency.ErrElectionNotLeader) {
			t.Fatalf("proclaim after resign: %v", err)
		}
	})

	t.Run("STM retries on a conflicting writer", func(t *testing.T) {
		cli.Put(ctx, "stm/a", "10")
		cli.Put(ctx, "stm/b", "0")
		tries := 0
		_, err := concurrency.NewSTM(cli, func(stm concurrency.STM) error {
			tries++
			a := stm.Get("stm/a")
			if tries == 1 {
				// Another writer changes what we read.
				if _, err := cli.Put(ctx, "stm/a", "20"); err != nil {
					return err
				}
			}
			stm.Put("stm/b", a)
			return nil
		}, concurrency.WithIsolation(concurrency.SerializableSnapshot))
		if err != nil {
			t.Fatal(err)
		}
		g, _ := cli.Get(ctx, "stm/b")
		if tries != 2 || string(g.Kvs[0].Value) != "20" {
			t.Fatalf("tries %d, b=%s", tries, g.Kvs[0].Value)
		}
	})

	t.Run("Lock service", func(t *testing.T) {
		lc := lpb.NewLockClient(cli.ActiveConnection())
		g1, _ := cli.Grant(ctx, 30)
		g2, _ := cli.Grant(ctx, 30)
		r1, err := lc.Lock(ctx, &lpb.LockRequest{Name: []byte("svclock"), Lease: int64(g1.ID)})
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan *lpb.LockResponse, 1)
		go func() {
			r, err := lc.Lock(ctx, &lpb.LockRequest{Name: []byte("svclock"), Lease: int64(g2.ID)})
			if err != nil {
				t.Error(err)
			}
			got <- r
		}()
		select {
		case <-got:
			t.Fatal("second Lock returned while the first holds it")
		case <-time.After(300 * time.Millisecond):
		}
		if _, err := lc.Unlock(ctx, &lpb.UnlockRequest{Key: r1.Key}); err != nil {
			t.Fatal(err)
		}
		r2 := <-got
		if r2 == nil || string(r2.Key) <= string(r1.Key) {
			t.Fatalf("keys %q then %v", r1.Key, r2)
		}
		// Revoking the holder's lease releases the lock too.
		if _, err := cli.Revoke(ctx, g2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := lc.Lock(ctx, &lpb.LockRequest{Name: []byte("svclock"), Lease: int64(g1.ID)}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Election service", func(t *testing.T) {
		ec := epb.NewElectionClient(cli.ActiveConnection())
		g, _ := cli.Grant(ctx, 30)
		c, err := ec.Campaign(ctx, &epb.CampaignRequest{Name: []byte("svcelect"), Lease: int64(g.ID), Value: []byte("a")})
		if err != nil {
			t.Fatal(err)
		}
		octx, ocancel := context.WithCancel(ctx)
		defer ocancel()
		ob, err := ec.Observe(octx, &epb.LeaderRequest{Name: []byte("svcelect")})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := ob.Recv(); err != nil || string(r.Kv.Value) != "a" {
			t.Fatalf("observe: %v %v", r, err)
		}
		if _, err := ec.Proclaim(ctx, &epb.ProclaimRequest{Leader: c.Leader, Value: []byte("b")}); err != nil {
			t.Fatal(err)
		}
		if r, err := ob.Recv(); err != nil || string(r.Kv.Value) != "b" {
			t.Fatalf("observe after proclaim: %v %v", r, err)
		}
		l, err := ec.Leader(ctx, &epb.LeaderRequest{Name: []byte("svcelect")})
		if err != nil || string(l.Kv.Value) != "b" {
			t.Fatalf("leader: %v %v", l, err)
		}
		if _, err := ec.Resign(ctx, &epb.ResignRequest{Leader: c.Leader}); err != nil {
			t.Fatal(err)
		}
		if _, err := ec.Leader(ctx, &epb.LeaderRequest{Name: []byte("svcelect")}); err == nil || err.Error() != "rpc error: code = Unknown desc = election: no leader" {
			t.Fatalf("leader after resign: %v", err)
		}
	})
}
