package ctl

import (
	"errors"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func (a *app) newAlarmCommand() *cobra.Command {
	ac := &cobra.Command{
		Use:     "alarm <subcommand>",
		Short:   "Alarm related commands. Use `etcdctl alarm --help` to see subcommands",
		Long:    "Alarm related commands",
		GroupID: groupClusterMaintenance,
	}
	ac.AddCommand(a.newAlarmDisarmCommand(), a.newAlarmListCommand())
	return ac
}

func (a *app) newAlarmDisarmCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "disarm",
		Short: "Disarms all alarms",
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return exitErr(ExitBadArgs, errors.New("alarm disarm command accepts no arguments"))
			}
			// An empty member disarms every raised alarm, one by one.
			return a.alarm(cmd, func(c *clientv3.Client, cmd *cobra.Command) (*clientv3.AlarmResponse, error) {
				ctx, cancel := commandCtx(cmd)
				defer cancel()
				return c.AlarmDisarm(ctx, &clientv3.AlarmMember{})
			})
		}),
	}
}

func (a *app) newAlarmListCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Lists all alarms",
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 {
				return exitErr(ExitBadArgs, errors.New("alarm list command accepts no arguments"))
			}
			return a.alarm(cmd, func(c *clientv3.Client, cmd *cobra.Command) (*clientv3.AlarmResponse, error) {
				ctx, cancel := commandCtx(cmd)
				defer cancel()
				return c.AlarmList(ctx)
			})
		}),
	}
}

// alarm dials, runs call and prints its answer.
func (a *app) alarm(cmd *cobra.Command, call func(*clientv3.Client, *cobra.Command) (*clientv3.AlarmResponse, error)) error {
	c, err := a.newClient(cmd)
	if err != nil {
		return err
	}
	defer c.Close()
	resp, err := call(c, cmd)
	if err != nil {
		return exitErr(ExitError, err)
	}
	return a.display.Alarm(resp)
}
