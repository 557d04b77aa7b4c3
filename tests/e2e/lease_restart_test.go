package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
	"github.com/etcdgo/etcd/tests/v3/framework/leasekeep"
)

// TestLeaseRestart kills a single member (SIGKILL) several times while
// leases are kept alive: no kept-alive lease expires (their keys stay),
// and a lease that is not kept alive continues after each restart from
// its last checkpointed remaining TTL instead of starting again from its
// granted TTL.
func TestLeaseRestart(t *testing.T) {
	p := e2e.NewProcess(t, e2e.Config{Args: []string{"--experimental-lease-checkpoint-interval", "1s"}})
	start := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := p.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	start()
	cli := newClient(t, p.ClientURL)
	ctx := ctxT(t)

	const granted = 60
	idle, err := cli.Grant(ctx, granted)
	if err != nil {
		t.Fatal(err)
	}
	const nKept = 5
	kctx, kcancel := context.WithCancel(context.Background())
	defer kcancel()
	kept := leasekeep.Start(t, ctx, kctx, cli, nKept, 5)

	last := int64(granted + 1)
	for round := 0; round < 3; round++ {
		// Long enough for several checkpoint intervals (liveness margin,
		// not an assertion on timing).
		time.Sleep(3 * time.Second)
		p.Kill()
		start()
		rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		ttl, err := cli.TimeToLive(rctx, idle.ID)
		cancel()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		// Granted TTL plus the new leader's extension would be 60; a
		// checkpoint makes it less, and each round continues lower.
		if ttl.TTL <= 0 || ttl.TTL >= last || ttl.TTL >= granted {
			t.Fatalf("round %d: idle lease TTL %d after restart (previous %d, granted %d)", round, ttl.TTL, last, granted)
		}
		t.Logf("round %d: idle lease TTL %d", round, ttl.TTL)
		last = ttl.TTL
		kept.Check(t, ctx, cli, round)
	}
}
