package cmd

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// grantConcurrency bounds the Grant calls in flight before a run.
const grantConcurrency = 256

type leaseKeepaliveOptions struct {
	total int
	ttl   int64
}

func newLeaseKeepaliveCommand(g *globals) *cobra.Command {
	o := &leaseKeepaliveOptions{ttl: 100}
	cmd := &cobra.Command{
		Use:   "lease-keepalive",
		Short: "Benchmark lease keepalive",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	cmd.Flags().IntVar(&o.total, "total", 10000, "Total number of lease keepalive requests")
	return cmd
}

// run grants one lease per client (--clients leases), then renews them
// round-robin with --total KeepAliveOnce calls from all clients.
func (o *leaseKeepaliveOptions) run(ctx context.Context, g *globals) error {
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	leases := make([]clientv3.LeaseID, len(cs.clients))
	var (
		wg     sync.WaitGroup
		failed atomic.Int64
		first  atomic.Pointer[error]
	)
	// Grants are not timed; bound them so that a large --clients does not
	// trip the server's "too many requests" guard.
	sem := make(chan struct{}, grantConcurrency)
	for i, c := range cs.clients {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			resp, err := c.Grant(ctx, o.ttl)
			if err != nil {
				failed.Add(1)
				first.CompareAndSwap(nil, &err)
				return
			}
			leases[i] = resp.ID
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("grant of %d of %d leases failed: %w", n, len(leases), *first.Load())
	}
	next := func(i int) clientv3.LeaseID { return leases[i%len(leases)] }
	do := func(ctx context.Context, c *clientv3.Client, id clientv3.LeaseID) error {
		_, err := c.KeepAliveOnce(ctx, id)
		return err
	}
	return runLoadOn(ctx, g, cs.clients, "lease-keepalive", o.total, 0, next, do)
}
