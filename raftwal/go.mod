module github.com/etcdgo/etcd/raftwal/v3

go 1.26.0

require (
	github.com/etcdgo/etcd/pkg/v3 v3.0.0
	go.etcd.io/raft/v3 v3.7.0
	go.uber.org/zap v1.27.1
	google.golang.org/protobuf v1.36.11
)

require go.uber.org/multierr v1.11.0 // indirect
