package client

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
)

func newSession(t *testing.T, cli *clientv3.Client) *concurrency.Session {
	t.Helper()
	s, err := concurrency.NewSession(cli, concurrency.WithTTL(10))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestMutex(t *testing.T) {
	forEachServer(t, testMutex)
}

func testMutex(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	pfx := keyPrefix(t) + "lock"
	s1, s2 := newSession(t, cli), newSession(t, cli)
	m1, m2 := concurrency.NewMutex(s1, pfx), concurrency.NewMutex(s2, pfx)

	if err := m1.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m2.TryLock(ctx); err != concurrency.ErrLocked {
		t.Fatalf("TryLock on held lock: %v, want ErrLocked", err)
	}
	resp, err := cli.Txn(ctx).If(m1.IsOwner()).Commit()
	if err != nil || !resp.Succeeded {
		t.Fatalf("IsOwner: %v %v", resp, err)
	}

	locked := make(chan error, 1)
	go func() { locked <- m2.Lock(ctx) }()
	select {
	case err := <-locked:
		t.Fatalf("second Lock returned %v while the lock is held", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := m1.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-locked; err != nil {
		t.Fatalf("second Lock: %v", err)
	}
	if err := m1.Unlock(ctx); err != concurrency.ErrLockReleased {
		t.Fatalf("unlock twice: %v", err)
	}
	if err := m2.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestElection(t *testing.T) {
	forEachServer(t, testElection)
}

func testElection(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	pfx := keyPrefix(t) + "election"
	s1, s2 := newSession(t, cli), newSession(t, cli)
	e1, e2 := concurrency.NewElection(s1, pfx), concurrency.NewElection(s2, pfx)

	if _, err := e1.Leader(ctx); err != concurrency.ErrElectionNoLeader {
		t.Fatalf("leader before campaign: %v", err)
	}
	octx, ocancel := context.WithCancel(ctx)
	defer ocancel()
	obs := concurrency.NewElection(newSession(t, cli), pfx).Observe(octx)

	if err := e1.Campaign(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	won := make(chan error, 1)
	go func() { won <- e2.Campaign(ctx, "two") }()
	if err := e1.Proclaim(ctx, "one-bis"); err != nil {
		t.Fatal(err)
	}
	l, err := e1.Leader(ctx)
	if err != nil || string(l.Kvs[0].Value) != "one-bis" {
		t.Fatalf("leader: %v %v", l, err)
	}
	if err := concurrency.NewElection(s2, pfx).Proclaim(ctx, "x"); err != concurrency.ErrElectionNotLeader {
		t.Fatalf("proclaim by a non-leader: %v", err)
	}
	if err := e1.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-won; err != nil {
		t.Fatalf("second campaign: %v", err)
	}

	want := []string{"one", "one-bis", "two"}
	for _, w := range want {
		select {
		case r, ok := <-obs:
			if !ok {
				t.Fatal("observe closed")
			}
			if got := string(r.Kvs[0].Value); got != w {
				t.Fatalf("observed %q, want %q", got, w)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("observe: no %q", w)
		}
	}
}

// TestSTMIsolation runs concurrent increments of a counter under each
// isolation level that prevents lost updates.
func TestSTMIsolation(t *testing.T) {
	forEachServer(t, testSTMIsolation)
}

func testSTMIsolation(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	levels := []struct {
		name string
		iso  concurrency.Isolation
	}{
		{"serializable snapshot", concurrency.SerializableSnapshot},
		{"serializable", concurrency.Serializable},
		{"repeatable reads", concurrency.RepeatableReads},
	}
	for _, lv := range levels {
		t.Run(lv.name, func(t *testing.T) {
			key := keyPrefix(t) + "counter"
			const workers, incs = 4, 5
			var wg sync.WaitGroup
			errc := make(chan error, workers)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range incs {
						_, err := concurrency.NewSTM(cli, func(s concurrency.STM) error {
							n, _ := strconv.Atoi(s.Get(key))
							s.Put(key, strconv.Itoa(n+1))
							return nil
						}, concurrency.WithIsolation(lv.iso), concurrency.WithAbortContext(ctx))
						if err != nil {
							errc <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
			resp, err := cli.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(resp.Kvs[0].Value); got != fmt.Sprint(workers*incs) {
				t.Fatalf("counter = %s, want %d", got, workers*incs)
			}
		})
	}

	t.Run("read committed", func(t *testing.T) {
		key := keyPrefix(t) + "k"
		resp, err := concurrency.NewSTMReadCommitted(ctx, cli, func(s concurrency.STM) error {
			s.Put(key, "v"+s.Get(key))
			return nil
		})
		if err != nil || !resp.Succeeded {
			t.Fatalf("read committed: %v %v", resp, err)
		}
	})
}
