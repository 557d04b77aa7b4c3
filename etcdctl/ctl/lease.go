package ctl

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func (a *app) newLeaseCommand() *cobra.Command {
	lc := &cobra.Command{
		Use:     "lease <subcommand>",
		Short:   "Lease related commands. Use `etcdctl lease --help` to see subcommands",
		Long:    "Lease related commands",
		GroupID: groupKV,
	}
	lc.AddCommand(
		a.newLeaseGrantCommand(),
		a.newLeaseRevokeCommand(),
		a.newLeaseTimeToLiveCommand(),
		a.newLeaseListCommand(),
		a.newLeaseKeepAliveCommand(),
	)
	return lc
}

func (a *app) newLeaseGrantCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "grant <ttl>",
		Short: "Creates leases",
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitErr(ExitBadArgs, errors.New("lease grant command needs TTL argument"))
			}
			ttl, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return exitErr(ExitBadArgs, fmt.Errorf("bad TTL (%w)", err))
			}
			ctx, cancel := commandCtx(cmd)
			defer cancel()
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			resp, err := c.Grant(ctx, ttl)
			if err != nil {
				return exitErr(ExitError, fmt.Errorf("failed to grant lease (%w)", err))
			}
			return a.display.Grant(resp)
		}),
	}
}

func (a *app) newLeaseRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke <leaseID>",
		Short: "Revokes leases",
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitErr(ExitBadArgs, errors.New("lease revoke command needs 1 argument"))
			}
			id, err := leaseFromArg(args[0])
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
			resp, err := c.Revoke(ctx, id)
			if err != nil {
				return exitErr(ExitError, fmt.Errorf("failed to revoke lease (%w)", err))
			}
			return a.display.Revoke(id, resp)
		}),
	}
}

func (a *app) newLeaseTimeToLiveCommand() *cobra.Command {
	var keys bool
	cmd := &cobra.Command{
		Use:   "timetolive <leaseID> [options]",
		Short: "Get lease information",
	}
	cmd.Flags().BoolVar(&keys, "keys", false, "Get keys attached to this lease")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return exitErr(ExitBadArgs, errors.New("lease timetolive command needs lease ID as argument"))
		}
		var opts []clientv3.LeaseOption
		if keys {
			opts = append(opts, clientv3.WithAttachedKeys())
		}
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		id, err := leaseFromArg(args[0])
		if err != nil {
			return err
		}
		resp, err := c.TimeToLive(cmd.Context(), id, opts...)
		if err != nil {
			return exitErr(ExitBadConnection, err)
		}
		return a.display.TimeToLive(resp, keys)
	})
	return cmd
}

func (a *app) newLeaseListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List all active leases",
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			resp, err := c.Leases(cmd.Context())
			if err != nil {
				return exitErr(ExitBadConnection, err)
			}
			return a.display.Leases(resp)
		}),
	}
}

func (a *app) newLeaseKeepAliveCommand() *cobra.Command {
	var once bool
	cmd := &cobra.Command{
		Use:   "keep-alive [options] <leaseID>",
		Short: "Keeps leases alive (renew)",
	}
	cmd.Flags().BoolVar(&once, "once", false, "Resets the keep-alive time to its original value and cobrautl.Exits immediately")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return exitErr(ExitBadArgs, errors.New("lease keep-alive command needs lease ID as argument"))
		}
		id, err := leaseFromArg(args[0])
		if err != nil {
			return err
		}
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		if once {
			resp, err := c.KeepAliveOnce(cmd.Context(), id)
			if err != nil {
				return exitErr(ExitBadConnection, err)
			}
			return a.display.KeepAlive(resp)
		}
		respc, err := c.KeepAlive(cmd.Context(), id)
		if err != nil {
			return exitErr(ExitBadConnection, err)
		}
		for resp := range respc {
			if err := a.display.KeepAlive(resp); err != nil {
				return err
			}
		}
		if _, ok := a.display.(*simplePrinter); ok {
			fmt.Fprintf(a.Out, "lease %016x expired or revoked.\n", id)
		}
		return nil
	})
	return cmd
}

// leaseFromArg parses a hex lease ID.
func leaseFromArg(arg string) (clientv3.LeaseID, error) {
	id, err := strconv.ParseInt(arg, 16, 64)
	if err != nil {
		return 0, exitErr(ExitBadArgs, fmt.Errorf("bad lease ID arg (%w), expecting ID in Hex", err))
	}
	return clientv3.LeaseID(id), nil
}
