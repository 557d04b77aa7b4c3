// Command etcdctl is a command line client for etcd v3, a drop-in
// replacement for etcd's own etcdctl.
package main

import (
	"os"

	"github.com/etcdgo/etcd/etcdctl/v3/ctl"
)

func main() {
	os.Exit(ctl.Main(os.Args, ctl.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
