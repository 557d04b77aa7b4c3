module github.com/etcdgo/etcd/tests/v3

go 1.26.0
