// This file is not copied to tests/clientetcd, which has its own.
//
//clientetcd:exclude

package client

// etcdClient tells the shared tests which client they are compiled
// against: false here (our client/v3), true in tests/clientetcd (etcd's
// go.etcd.io/etcd/client/v3). Tests use it only where etcd's client
// behaves differently by design, with a comment saying how.
const etcdClient = false
