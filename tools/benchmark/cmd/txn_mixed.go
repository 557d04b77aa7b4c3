package cmd

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

type txnMixedOptions struct {
	keySize, valSize int
	rate, total      int
	endKey           string
	limit            int64
	keySpaceSize     int
	consistency      string
	rwRatio          float64
}

func newTxnMixedCommand(g *globals) *cobra.Command {
	o := &txnMixedOptions{}
	cmd := &cobra.Command{
		Use:   "txn-mixed key [end-range]",
		Short: "Benchmark a mixed load of txn-put & txn-range.",
		Args:  cobra.MaximumNArgs(2),
		RunE:  func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), g, args) },
	}
	f := cmd.Flags()
	f.IntVar(&o.keySize, "key-size", 8, "Key size of mixed txn")
	f.IntVar(&o.valSize, "val-size", 8, "Value size of mixed txn")
	f.IntVar(&o.rate, "rate", 0, "Maximum txns per second (0 is no limit)")
	f.IntVar(&o.total, "total", 10000, "Total number of txn requests")
	f.StringVar(&o.endKey, "end-key", "", "Read operation range end key. By default, we do full range query with the default limit of 1000.")
	f.Int64Var(&o.limit, "limit", 1000, "Read operation range result limit")
	f.IntVar(&o.keySpaceSize, "key-space-size", 1, "Maximum possible keys")
	f.StringVar(&o.consistency, "consistency", "l", "Linearizable(l) or Serializable(s)")
	f.Float64Var(&o.rwRatio, "rw-ratio", 1, "Read/write ops ratio")
	return cmd
}

type mixedReq struct {
	write bool
	op    clientv3.Op
}

func (o *txnMixedOptions) run(ctx context.Context, g *globals, args []string) error {
	if err := positive("key-space-size", o.keySpaceSize); err != nil {
		return err
	}
	banner, err := consistencyBanner(o.consistency)
	if err != nil {
		return err
	}
	fmt.Fprintln(g.env.Stdout, banner)
	// A key argument, when given, ranges from it; etcd's tool ignores it
	// and ranges over everything (--end-key, --limit).
	start := ""
	end := o.endKey
	if len(args) > 0 {
		start = args[0]
		if len(args) == 2 {
			end = args[1]
		}
	}
	readOpts := []clientv3.OpOption{clientv3.WithLimit(o.limit)}
	if end != "" {
		readOpts = append(readOpts, clientv3.WithRange(end))
	} else {
		readOpts = append(readOpts, clientv3.WithPrefix())
	}
	if o.consistency == "s" {
		readOpts = append(readOpts, clientv3.WithSerializable())
	}
	read := clientv3.OpGet(start, readOpts...)
	v := string(randBytes(o.valSize))
	var reads, writes atomic.Int64
	next := func(i int) mixedReq {
		if mrand.Float64() < o.rwRatio/(1+o.rwRatio) {
			reads.Add(1)
			return mixedReq{op: read}
		}
		writes.Add(1)
		return mixedReq{write: true, op: clientv3.OpPut(varintKey(o.keySize, int64(i%o.keySpaceSize)), v)}
	}

	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	rr, wr := g.newReport(), g.newReport()
	rdone, wdone := rr.Run(), wr.Run()
	bar := g.newProgress(o.total)
	// Each request goes to the report of its kind.
	do := func(ctx context.Context, c *clientv3.Client, req mixedReq) error {
		st := time.Now()
		_, err := c.Txn(ctx).Then(req.op).Commit()
		res := report.Result{Err: err, Start: st, End: time.Now()}
		if req.write {
			wr.Results() <- res
		} else {
			rr.Results() <- res
		}
		return err
	}
	load[*clientv3.Client, mixedReq]{
		workers: cs.clients, total: o.total, limit: newLimiter(o.rate),
		next: next, do: do, bar: bar,
	}.run(ctx)
	close(rr.Results())
	close(wr.Results())
	bar.Finish()
	g.printReport("txn-mixed-read", fmt.Sprintf("Total Read Ops: %d\nDetails:", reads.Load()), <-rdone)
	g.printReport("txn-mixed-write", fmt.Sprintf("Total Write Ops: %d\nDetails:", writes.Load()), <-wdone)
	return ctx.Err()
}
