module github.com/etcdgo/etcd/api/v3

go 1.26.0
