package ctl

import "github.com/spf13/cobra"

func (a *app) newCheckCommand() *cobra.Command {
	return &cobra.Command{Use: "check <subcommand>", GroupID: groupUtility}
}
