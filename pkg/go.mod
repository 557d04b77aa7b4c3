module github.com/etcdgo/etcd/pkg/v3

go 1.26.0
