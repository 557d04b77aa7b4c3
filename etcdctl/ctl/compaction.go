package ctl

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func (a *app) newCompactionCommand() *cobra.Command {
	var physical bool
	cmd := &cobra.Command{
		Use:     "compaction [options] <revision>",
		Short:   "Compacts the event history in etcd",
		GroupID: groupKV,
	}
	cmd.Flags().BoolVar(&physical, "physical", false, "'true' to wait for compaction to physically remove all old revisions")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return exitErr(ExitBadArgs, errors.New("compaction command needs 1 argument"))
		}
		rev, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return exitErr(ExitError, err)
		}
		var opts []clientv3.CompactOption
		if physical {
			opts = append(opts, clientv3.WithCompactPhysical())
		}
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		ctx, cancel := commandCtx(cmd)
		defer cancel()
		if _, err := c.Compact(ctx, rev, opts...); err != nil {
			return exitErr(ExitError, err)
		}
		fmt.Fprintln(a.Out, "compacted revision", rev)
		return nil
	})
	return cmd
}
