module github.com/etcdgo/etcd/etcdutl/v3

go 1.26.0
