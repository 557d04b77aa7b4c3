package ctl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func (a *app) newMemberCommand() *cobra.Command {
	mc := &cobra.Command{
		Use:     "member <subcommand>",
		Short:   "Membership related commands. Use `etcdctl member --help` to see subcommands",
		Long:    "Membership related commands",
		GroupID: groupClusterMaintenance,
	}
	mc.AddCommand(
		a.newMemberAddCommand(),
		a.newMemberRemoveCommand(),
		a.newMemberUpdateCommand(),
		a.newMemberListCommand(),
		a.newMemberPromoteCommand(),
	)
	return mc
}

func (a *app) newMemberAddCommand() *cobra.Command {
	var peerURLs string
	var learner bool
	cmd := &cobra.Command{
		Use:   "add <memberName> [options]",
		Short: "Adds a member into the cluster",
	}
	cmd.Flags().StringVar(&peerURLs, "peer-urls", "", "comma separated peer URLs for the new member.")
	cmd.Flags().BoolVar(&learner, "learner", false, "indicates if the new member is raft learner")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) < 1 {
			return exitErr(ExitBadArgs, errors.New("member name not provided"))
		}
		if len(args) > 1 {
			msg := "too many arguments"
			for _, s := range args {
				if strings.HasPrefix(strings.ToLower(s), "http") {
					msg += fmt.Sprintf(`, did you mean --peer-urls=%s`, s)
				}
			}
			return exitErr(ExitBadArgs, errors.New(msg))
		}
		name := args[0]
		if peerURLs == "" {
			return exitErr(ExitBadArgs, errors.New("member peer urls not provided"))
		}
		urls := strings.Split(peerURLs, ",")
		ctx, cancel := commandCtx(cmd)
		defer cancel()
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		var resp *clientv3.MemberAddResponse
		if learner {
			resp, err = c.MemberAddAsLearner(ctx, urls)
		} else {
			resp, err = c.MemberAdd(ctx, urls)
		}
		if err != nil {
			return exitErr(ExitError, err)
		}
		if err := a.display.MemberAdd(resp); err != nil {
			return err
		}
		if _, ok := a.display.(*simplePrinter); ok {
			var conf []string
			for _, m := range resp.Members {
				for _, u := range m.PeerURLs {
					n := m.Name
					if m.ID == resp.Member.ID {
						n = name
					}
					conf = append(conf, fmt.Sprintf("%s=%s", n, u))
				}
			}
			fmt.Fprint(a.Out, "\n")
			fmt.Fprintf(a.Out, "ETCD_NAME=%q\n", name)
			fmt.Fprintf(a.Out, "ETCD_INITIAL_CLUSTER=%q\n", strings.Join(conf, ","))
			fmt.Fprintf(a.Out, "ETCD_INITIAL_ADVERTISE_PEER_URLS=%q\n", peerURLs)
			fmt.Fprint(a.Out, "ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n")
		}
		return nil
	})
	return cmd
}

// memberIDArg parses the one hex member ID argument.
func memberIDArg(args []string) (uint64, error) {
	if len(args) != 1 {
		return 0, exitErr(ExitBadArgs, errors.New("member ID is not provided"))
	}
	id, err := strconv.ParseUint(args[0], 16, 64)
	if err != nil {
		return 0, exitErr(ExitBadArgs, fmt.Errorf("bad member ID arg (%w), expecting ID in Hex", err))
	}
	return id, nil
}

func (a *app) newMemberRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove <memberID>",
		Short: "Removes a member from the cluster",
		RunE: run(func(cmd *cobra.Command, args []string) error {
			id, err := memberIDArg(args)
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
			resp, err := c.MemberRemove(ctx, id)
			if err != nil {
				return exitErr(ExitError, err)
			}
			return a.display.MemberRemove(id, resp)
		}),
	}
}

func (a *app) newMemberUpdateCommand() *cobra.Command {
	var peerURLs string
	cmd := &cobra.Command{
		Use:   "update <memberID> [options]",
		Short: "Updates a member in the cluster",
	}
	cmd.Flags().StringVar(&peerURLs, "peer-urls", "", "comma separated peer URLs for the updated member.")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		id, err := memberIDArg(args)
		if err != nil {
			return err
		}
		if peerURLs == "" {
			return exitErr(ExitBadArgs, errors.New("member peer urls not provided"))
		}
		ctx, cancel := commandCtx(cmd)
		defer cancel()
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		resp, err := c.MemberUpdate(ctx, id, strings.Split(peerURLs, ","))
		if err != nil {
			return exitErr(ExitError, err)
		}
		return a.display.MemberUpdate(id, resp)
	})
	return cmd
}

func (a *app) newMemberListCommand() *cobra.Command {
	var consistency string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Lists all members in the cluster",
		Long: `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
	}
	cmd.Flags().StringVar(&consistency, "consistency", "l", "Linearizable(l) or Serializable(s)")
	cmd.RunE = run(func(cmd *cobra.Command, _ []string) error {
		var opts []clientv3.OpOption
		// etcdctl names get's default consistency ("l") in this error.
		serializable, err := isSerializable(consistency, "l")
		if err != nil {
			return err
		}
		if serializable {
			opts = append(opts, clientv3.WithSerializable())
		}
		ctx, cancel := commandCtx(cmd)
		defer cancel()
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		resp, err := c.MemberList(ctx, opts...)
		if err != nil {
			return exitErr(ExitError, err)
		}
		return a.display.MemberList(resp)
	})
	return cmd
}

func (a *app) newMemberPromoteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "promote <memberID>",
		Short: "Promotes a non-voting member in the cluster",
		Long: `Promotes a non-voting learner member to a voting one in the cluster.
`,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			id, err := memberIDArg(args)
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
			resp, err := c.MemberPromote(ctx, id)
			if err != nil {
				return exitErr(ExitError, err)
			}
			return a.display.MemberPromote(id, resp)
		}),
	}
}
