module github.com/etcdgo/etcd/tools/v3

go 1.26.0
