package ctl

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func (a *app) newDefragCommand() *cobra.Command {
	var cluster bool
	cmd := &cobra.Command{
		Use:     "defrag",
		Short:   "Defragments the storage of the etcd members with given endpoints",
		GroupID: groupClusterMaintenance,
	}
	cmd.PersistentFlags().BoolVar(&cluster, "cluster", false, "use all endpoints from the cluster member list")
	cmd.RunE = run(func(cmd *cobra.Command, _ []string) error {
		spec, err := a.clientSpecFromCmd(cmd)
		if err != nil {
			return err
		}
		eps, err := a.endpointsFromCluster(cmd, cluster)
		if err != nil {
			return err
		}
		// Every member is tried; a failure is reported and counted.
		failures := 0
		for _, ep := range eps {
			c, err := spec.withEndpoints(ep).dial()
			if err != nil {
				return err
			}
			ctx, cancel := commandCtx(cmd)
			start := time.Now()
			_, err = c.Defragment(ctx, ep)
			took := time.Since(start)
			cancel()
			c.Close()
			if err != nil {
				fmt.Fprintf(a.Err, "Failed to defragment etcd member[%s]. took %s. (%v)\n", ep, took, err)
				failures++
				continue
			}
			fmt.Fprintf(a.Out, "Finished defragmenting etcd member[%s]. took %s\n", ep, took)
		}
		if failures != 0 {
			return errSilentExit(ExitError)
		}
		return nil
	})
	return cmd
}
