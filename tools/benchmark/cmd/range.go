package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

type rangeOptions struct {
	rate, total int
	consistency string
	limit       int64
	countOnly   bool
}

func newRangeCommand(g *globals) *cobra.Command {
	o := &rangeOptions{}
	cmd := &cobra.Command{
		Use:   "range key [end-range]",
		Short: "Benchmark range",
		Args:  cobra.RangeArgs(1, 2),
		RunE:  func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), g, args) },
	}
	f := cmd.Flags()
	f.IntVar(&o.rate, "rate", 0, "Maximum range requests per second (0 is no limit)")
	f.IntVar(&o.total, "total", 10000, "Total number of range requests")
	f.StringVar(&o.consistency, "consistency", "l", "Linearizable(l) or Serializable(s)")
	f.Int64Var(&o.limit, "limit", 0, "Maximum number of results to return from range request (0 is no limit)")
	f.BoolVar(&o.countOnly, "count-only", false, "Only returns the count of keys")
	return cmd
}

// consistencyBanner checks --consistency and returns the line printed
// before the run.
func consistencyBanner(c string) (string, error) {
	switch c {
	case "l":
		return "bench with linearizable range", nil
	case "s":
		return "bench with serializable range", nil
	}
	return "", fmt.Errorf("invalid --consistency %q: want l (linearizable) or s (serializable)", c)
}

func (o *rangeOptions) run(ctx context.Context, g *globals, args []string) error {
	banner, err := consistencyBanner(o.consistency)
	if err != nil {
		return err
	}
	fmt.Fprintln(g.env.Stdout, banner)
	key, end := args[0], ""
	if len(args) == 2 {
		end = args[1]
	}
	opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(o.limit)}
	if o.consistency == "s" {
		opts = append(opts, clientv3.WithSerializable())
	}
	if o.countOnly {
		opts = append(opts, clientv3.WithCountOnly())
	}
	op := clientv3.OpGet(key, opts...)
	next := func(int) clientv3.Op { return op }
	do := func(ctx context.Context, c *clientv3.Client, op clientv3.Op) error {
		_, err := c.Do(ctx, op)
		return err
	}
	return runLoad(ctx, g, "range", o.total, o.rate, next, do)
}
