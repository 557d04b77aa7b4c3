package ctl

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdgo/etcd/api/v3/version"
)

// newVersionCommand prints etcd's two lines, byte for byte: the etcd
// release whose behaviour etcdctl matches and its API version. Scripts
// parse them, and issue 9 asks for etcd's bytes; this wins over DESIGN.md's
// "our release on a line of its own" (which etcd --version follows). Our
// own release is in the binary's build info: go version -m etcdctl.
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
