// Command etcdutl-ref is etcd's own etcdutl (go.etcd.io/etcd/etcdutl/v3 at
// the version pinned in tests/go.mod): its commands, its root flags, built
// from the test module so that tests can check that etcd's tools accept
// what our server writes (tests/e2e: `snapshot status` and `snapshot
// restore` of a snapshot streamed by our server).
//
// It is a test fixture only: no product module may import etcd's packages.
// etcd's main package cannot be imported, so this one builds the same root
// command from etcd's etcdutl package.
package main

import (
	"time"

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/etcdutl/v3/etcdutl"
	"go.etcd.io/etcd/pkg/v3/cobrautl"
)

func main() {
	root := &cobra.Command{
		Use:   "etcdutl",
		Short: "An administrative command line tool for etcd3.",
	}
	root.PersistentFlags().DurationVar(&etcdutl.FlockTimeout, "timeout", 10*time.Second, "time to wait to obtain a file lock on db file, 0 to block indefinitely")
	root.PersistentFlags().StringVarP(&etcdutl.OutputFormat, "write-out", "w", "simple", "set the output format (fields, json, protobuf, simple, table)")
	root.AddCommand(
		etcdutl.NewDefragCommand(),
		etcdutl.NewSnapshotCommand(),
		etcdutl.NewHashKVCommand(),
		etcdutl.NewVersionCommand(),
	)
	cobra.EnablePrefixMatching = true
	if err := root.Execute(); err != nil {
		cobrautl.ExitWithError(cobrautl.ExitError, err)
	}
}
