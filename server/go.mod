module github.com/etcdgo/etcd/server/v3

go 1.26.0
