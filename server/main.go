// Command etcd is the etcd server.
package main

import (
	"os"

	"github.com/etcdgo/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args[1:])
}
