package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

type txnPutOptions struct {
	keySize, valSize int
	opsPerTxn        int
	rate, total      int
	keySpaceSize     int
}

func newTxnPutCommand(g *globals) *cobra.Command {
	o := &txnPutOptions{}
	cmd := &cobra.Command{
		Use:   "txn-put",
		Short: "Benchmark txn-put",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	f := cmd.Flags()
	f.IntVar(&o.keySize, "key-size", 8, "Key size of txn put")
	f.IntVar(&o.valSize, "val-size", 8, "Value size of txn put")
	f.IntVar(&o.opsPerTxn, "txn-ops", 1, "Number of puts per txn")
	f.IntVar(&o.rate, "rate", 0, "Maximum txns per second (0 is no limit)")
	f.IntVar(&o.total, "total", 10000, "Total number of txn requests")
	f.IntVar(&o.keySpaceSize, "key-space-size", 1, "Maximum possible keys")
	return cmd
}

func (o *txnPutOptions) run(ctx context.Context, g *globals) error {
	if err := positive("key-space-size", o.keySpaceSize); err != nil {
		return err
	}
	if err := positive("txn-ops", o.opsPerTxn); err != nil {
		return err
	}
	if o.opsPerTxn > o.keySpaceSize {
		return fmt.Errorf("expected --txn-ops no larger than --key-space-size, got txn-ops(%v) key-space-size(%v)", o.opsPerTxn, o.keySpaceSize)
	}
	v := string(randBytes(o.valSize))
	next := func(i int) []clientv3.Op {
		ops := make([]clientv3.Op, o.opsPerTxn)
		for j := range ops {
			ops[j] = clientv3.OpPut(varintKey(o.keySize, int64((i*o.opsPerTxn+j)%o.keySpaceSize)), v)
		}
		return ops
	}
	do := func(ctx context.Context, c *clientv3.Client, ops []clientv3.Op) error {
		_, err := c.Txn(ctx).Then(ops...).Commit()
		return err
	}
	return runLoad(ctx, g, "txn-put", o.total, o.rate, next, do)
}
