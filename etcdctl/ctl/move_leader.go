package ctl

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func (a *app) newMoveLeaderCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "move-leader <transferee-member-id>",
		Short:   "Transfers leadership to another etcd cluster member.",
		GroupID: groupClusterMaintenance,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitErr(ExitBadArgs, errors.New("move-leader command needs 1 argument"))
			}
			target, err := strconv.ParseUint(args[0], 16, 64)
			if err != nil {
				return exitErr(ExitBadArgs, err)
			}
			spec, err := a.clientSpecFromCmd(cmd)
			if err != nil {
				return err
			}
			c, err := spec.dial()
			if err != nil {
				return err
			}
			eps := c.Endpoints()
			c.Close()

			ctx, cancel := commandCtx(cmd)
			defer cancel()
			// Find the leader among the endpoints; only it can hand over.
			var leader *clientv3.Client
			var leaderID uint64
			for _, ep := range eps {
				c, err := spec.withEndpoints(ep).dial()
				if err != nil {
					return err
				}
				resp, err := c.Status(ctx, ep)
				if err != nil {
					c.Close()
					return exitErr(ExitError, err)
				}
				if resp.Header.GetMemberId() == resp.Leader {
					leader, leaderID = c, resp.Leader
					break
				}
				c.Close()
			}
			if leader == nil {
				return exitErr(ExitBadArgs, fmt.Errorf("no leader endpoint given at %v", eps))
			}
			defer leader.Close()
			resp, err := leader.MoveLeader(ctx, target)
			if err != nil {
				return exitErr(ExitError, err)
			}
			return a.display.MoveLeader(leaderID, target, resp)
		}),
	}
}
