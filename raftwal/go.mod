module github.com/etcdgo/etcd/raftwal/v3

go 1.26.0
