package ctl

import "github.com/spf13/cobra"

func (a *app) newMakeMirrorCommand() *cobra.Command {
	return &cobra.Command{Use: "make-mirror [options] <destination>", Short: "Makes a mirror at the destination etcd cluster", GroupID: groupUtility}
}
