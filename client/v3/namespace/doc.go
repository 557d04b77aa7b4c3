// Package namespace is a clientv3 wrapper that translates all keys to
// begin with a given prefix, compatible with
// go.etcd.io/etcd/client/v3/namespace.
//
// First, create a client:
//
//	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{"localhost:2379"}})
//
// Next, override the client interfaces:
//
//	unprefixedKV := cli.KV
//	cli.KV = namespace.NewKV(cli.KV, "my-prefix/")
//	cli.Watcher = namespace.NewWatcher(cli.Watcher, "my-prefix/")
//	cli.Lease = namespace.NewLease(cli.Lease, "my-prefix/")
//
// Now calls using 'cli' will namespace / prefix all keys with "my-prefix/".
package namespace
