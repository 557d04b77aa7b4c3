package ctl

import "github.com/spf13/cobra"

// commands lists etcdctl's commands in etcd's order. The auth, user, role
// and downgrade commands register here when they are written.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.newGetCommand(),
		a.newPutCommand(),
		a.newDelCommand(),
		a.newTxnCommand(),
		a.newCompactionCommand(),
		a.newAlarmCommand(),
		a.newDefragCommand(),
		a.newEndpointCommand(),
		a.newMoveLeaderCommand(),
		a.newWatchCommand(),
		newVersionCommand(),
		a.newLeaseCommand(),
		a.newMemberCommand(),
		a.newSnapshotCommand(),
		a.newMakeMirrorCommand(),
		a.newLockCommand(),
		a.newElectCommand(),
		a.newCheckCommand(),
		newCompletionCommand(),
	}
}
