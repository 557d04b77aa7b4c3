// Command etcd-ref is the real etcd server (go.etcd.io/etcd/server/v3 at the
// version pinned in tests/go.mod), built from the test module so that suites
// can run a reference cluster as a separate process. It takes etcd's flags
// and ETCD_* variables unchanged.
//
// It is a test fixture only: no product module may import etcd's packages.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
