// Command etcdctl-ref is etcd's own etcdctl (go.etcd.io/etcd/etcdctl/v3 at
// the version pinned in tests/go.mod), built from the test module so that the
// golden test in tests/etcdctl can record what the real etcdctl prints.
//
// It is a test fixture only: no product module may import etcd's packages.
//
// Regenerate the goldens with it (see tests/etcdctl/doc.go):
//
//	go test ./tests/etcdctl -update
package main

import (
	"go.etcd.io/etcd/etcdctl/v3/ctlv3"
)

func main() {
	ctlv3.MustStart()
}
