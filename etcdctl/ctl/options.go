package ctl

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newOptionsCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:     "options",
		Short:   "Show the global command-line flags",
		GroupID: groupUtility,
		Run: func(cmd *cobra.Command, _ []string) {
			// The global flags are hidden everywhere else; list a visible copy.
			fs := pflag.NewFlagSet("global", pflag.ContinueOnError)
			root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
				c := *f
				c.Hidden = false
				fs.AddFlag(&c)
			})
			fmt.Fprintf(cmd.OutOrStdout(), "The following options can be passed to any command:\n\n")
			fmt.Fprint(cmd.OutOrStdout(), fs.FlagUsages())
		},
	}
}
