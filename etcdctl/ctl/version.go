package ctl

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdgo/etcd/api/v3/version"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Prints the version of etcdctl",
		GroupID: groupUtility,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "etcdctl version:", version.Version)
			fmt.Fprintln(cmd.OutOrStdout(), "API version:", version.APIVersion)
		},
	}
}
