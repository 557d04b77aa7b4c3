package clientetcd

// etcdClient tells the shared tests (copied from tests/client) that they
// are compiled against etcd's client, go.etcd.io/etcd/client/v3.
const etcdClient = true
