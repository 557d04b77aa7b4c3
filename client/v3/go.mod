module github.com/etcdgo/etcd/client/v3

go 1.26.0
