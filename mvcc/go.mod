module github.com/etcdgo/etcd/mvcc/v3

go 1.26.0

require (
	github.com/cockroachdb/datadriven v1.0.2 // indirect
	github.com/etcdgo/etcd/api/v3 v3.0.0
	github.com/google/btree v1.1.3 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/prometheus/client_golang v1.23.2 // indirect
	go.etcd.io/bbolt v1.5.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.27.1 // indirect
	golang.org/x/sys v0.49.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
