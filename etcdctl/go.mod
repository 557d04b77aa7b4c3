module github.com/etcdgo/etcd/etcdctl/v3

go 1.26.0
