module github.com/etcdgo/etcd/mvcc/v3

go 1.26.0
