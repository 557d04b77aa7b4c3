package cmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

type putOptions struct {
	keySize, valSize  int
	rate, total       int
	keySpaceSize      int
	seqKeys           bool
	compactInterval   time.Duration
	compactIndexDelta int64
	checkHashKV       bool
}

func newPutCommand(g *globals) *cobra.Command {
	o := &putOptions{}
	cmd := &cobra.Command{
		Use:   "put",
		Short: "Benchmark put",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	f := cmd.Flags()
	f.IntVar(&o.keySize, "key-size", 8, "Key size of put request")
	f.IntVar(&o.valSize, "val-size", 8, "Value size of put request")
	f.IntVar(&o.rate, "rate", 0, "Maximum puts per second (0 is no limit)")
	f.IntVar(&o.total, "total", 10000, "Total number of put requests")
	f.IntVar(&o.keySpaceSize, "key-space-size", 1, "Maximum possible keys")
	f.BoolVar(&o.seqKeys, "sequential-keys", false, "Use sequential keys")
	f.DurationVar(&o.compactInterval, "compact-interval", 0, `Interval to compact database (do not duplicate this with etcd's 'auto-compaction-retention' flag) (e.g. --compact-interval=5m compacts every 5-minute)`)
	f.Int64Var(&o.compactIndexDelta, "compact-index-delta", 1000, "Delta between current revision and compact revision (e.g. current revision 10000, compact at 9000)")
	f.BoolVar(&o.checkHashKV, "check-hashkv", false, "'true' to check hashkv")
	return cmd
}

func (o *putOptions) run(ctx context.Context, g *globals) error {
	if err := positive("key-space-size", o.keySpaceSize); err != nil {
		return err
	}
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	if o.compactInterval > 0 {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go compactEvery(cctx, cs.clients[0], o.compactInterval, o.compactIndexDelta, g)
	}
	v := string(randBytes(o.valSize))
	next := func(i int) clientv3.Op {
		return clientv3.OpPut(varintKey(o.keySize, keyIndex(i, o.keySpaceSize, o.seqKeys)), v)
	}
	do := func(ctx context.Context, c *clientv3.Client, op clientv3.Op) error {
		_, err := c.Do(ctx, op)
		return err
	}
	if err := runLoadOn(ctx, g, cs.clients, "put", o.total, o.rate, next, do); err != nil {
		return err
	}
	if o.checkHashKV {
		return hashKV(ctx, g, cs.clients[0])
	}
	return nil
}

// compactEvery compacts to delta revisions behind the current one each
// interval until ctx ends.
func compactEvery(ctx context.Context, c *clientv3.Client, interval time.Duration, delta int64, g *globals) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		resp, err := c.Get(rctx, "foo")
		if err == nil {
			if rev := resp.Header.Revision - delta; rev > 0 {
				_, err = c.Compact(rctx, rev)
			}
		}
		cancel()
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(g.env.Stderr, "compaction failed: %v\n", err)
		}
	}
}

// hashKV prints the first endpoint's HashKV and database size.
func hashKV(ctx context.Context, g *globals, c *clientv3.Client) error {
	host := strings.TrimSpace(g.endpoints[0])
	st := time.Now()
	rh, err := c.HashKV(ctx, host, 0)
	if err != nil {
		return fmt.Errorf("Failed to get the hashkv of endpoint %s (%w)", host, err)
	}
	rt, err := c.Status(ctx, host)
	if err != nil {
		return fmt.Errorf("Failed to get the status of endpoint %s (%w)", host, err)
	}
	fmt.Fprintf(g.env.Stdout, "HashKV Summary:\n\tHashKV: %d\n\tEndpoint: %s\n\tTime taken to get hashkv: %v\n\tDB size: %s\n",
		rh.Hash, host, time.Since(st), humanize.Bytes(uint64(rt.DbSize)))
	return nil
}
