package ctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// delFlags are the options of del (and of del inside a txn).
type delFlags struct {
	prefix, prevKV, fromKey, isRange bool
}

func newDelCommandFlags(f *delFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "del [options] <key> [range_end]",
		Short: "Removes the specified key or range of keys [key, range_end)",
	}
	cmd.Flags().BoolVar(&f.prefix, "prefix", false, "delete keys with matching prefix")
	cmd.Flags().BoolVar(&f.prevKV, "prev-kv", false, "return deleted key-value pairs")
	cmd.Flags().BoolVar(&f.fromKey, "from-key", false, "delete keys that are greater than or equal to the given key using byte compare")
	cmd.Flags().BoolVar(&f.isRange, "range", false, "delete range of keys")
	return cmd
}

func (a *app) newDelCommand() *cobra.Command {
	f := &delFlags{}
	cmd := newDelCommandFlags(f)
	cmd.GroupID = groupKV
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		key, opts, err := f.op(cmd.Context(), args, a.Err)
		if err != nil {
			return err
		}
		ctx, cancel := commandCtx(cmd)
		defer cancel()
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		resp, err := c.Delete(ctx, key, opts...)
		if err != nil {
			return exitErr(ExitError, err)
		}
		return a.display.Del(resp)
	})
	return cmd
}

// rangeDelay is how long del waits, after warning, before deleting an
// explicit range given without --range.
const rangeDelay = 2 * time.Second

// op checks del's arguments and turns them into a key and options.
func (f *delFlags) op(ctx context.Context, args []string, warn io.Writer) (string, []clientv3.OpOption, error) {
	if len(args) == 0 || len(args) > 2 {
		return "", nil, exitErr(ExitBadArgs, errors.New("del command needs one argument as key and an optional argument as range_end"))
	}
	if f.prefix && f.fromKey {
		return "", nil, exitErr(ExitBadArgs, errors.New("`--prefix` and `--from-key` cannot be set at the same time, choose one"))
	}
	var opts []clientv3.OpOption
	key := args[0]
	if len(args) > 1 {
		if f.prefix || f.fromKey {
			return "", nil, exitErr(ExitBadArgs, errors.New("too many arguments, only accept one argument when `--prefix` or `--from-key` is set"))
		}
		opts = append(opts, clientv3.WithRange(args[1]))
		if !f.isRange {
			fmt.Fprintf(warn, "Warning: Keys between %q and %q will be deleted. Please interrupt the command within next 2 seconds to cancel. "+
				"You can provide `--range` flag to avoid the delay.\n", args[0], args[1])
			select {
			case <-time.After(rangeDelay):
			case <-ctx.Done():
				return "", nil, exitErr(ExitInterrupted, ctx.Err())
			}
		}
	}
	if f.prefix {
		if key == "" {
			key = "\x00"
			opts = append(opts, clientv3.WithFromKey())
		} else {
			opts = append(opts, clientv3.WithPrefix())
		}
	}
	if f.prevKV {
		opts = append(opts, clientv3.WithPrevKV())
	}
	if f.fromKey {
		if key == "" {
			key = "\x00"
		}
		opts = append(opts, clientv3.WithFromKey())
	}
	return key, opts, nil
}
