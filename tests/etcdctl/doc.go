// Package etcdctl holds the golden test of our etcdctl: it runs every
// command, in every output format it supports, against a fresh server, and
// compares stdout, stderr and the exit code with files in testdata/golden
// recorded from etcd's own etcdctl v3.7 run against our server.
//
// # Running
//
//	go test ./tests/etcdctl/
//
// runs our etcdctl (./etcdctl) against our server (./server) and against a
// real etcd 3.7.3 (tests/cmd/etcd-ref); ETCDGO_TEST_SERVER=ours or etcd
// picks one.
//
// The golden server runs with --quota-backend-bytes of 1 MiB, so that one
// large put raises a real NOSPACE alarm for the alarm steps. TestCheck runs
// check datascale and check perf for real (about 70s), with both etcdctls
// at once against servers of ours; see its comment for how the verdicts
// of a timed workload are compared.
//
// completion_bash alone may differ: etcd's script spells out every command,
// and the difference is logged (naming the commands we lack) as long as it
// is nothing else.
//
// # Recording the goldens
//
//	go test ./tests/etcdctl -update
//
// builds etcd's etcdctl, runs it against a fresh server of ours and writes
// one testdata/golden/<step>.golden per step (TestCheck writes its check_*
// goldens the same way, in about 70s more). It then runs etcd's etcdctl
// against a real etcd 3.7.3 and compares with what it just wrote: a
// difference there is our server answering otherwise than etcd does, and
// fails the run (the goldens stay written; read them with git diff).
// ETCDGO_TEST_SERVER=etcd records against real etcd instead, to tell a
// server difference from an etcdctl one.
//
// etcd's etcdctl is tests/cmd/etcdctl-ref, a main package of three lines
// over go.etcd.io/etcd/etcdctl/v3/ctlv3 (ctlv3.MustStart()), compiled in
// the tests module: tests/go.mod pins go.etcd.io/etcd/etcdctl/v3 v3.7.3,
// which the go command fetches from the module proxy. The same binary can
// be built from a scratch directory, outside this workspace:
//
//	mkdir /tmp/etcdctl-ref && cd /tmp/etcdctl-ref
//	go mod init etcdctl-ref
//	printf 'package main\n\nimport "go.etcd.io/etcd/etcdctl/v3/ctlv3"\n\nfunc main() { ctlv3.MustStart() }\n' >main.go
//	go get go.etcd.io/etcd/etcdctl/v3@v3.7.3 && go mod tidy
//	GOWORK=off go build -o etcdctl-ref .
//
// # What is normalized
//
// A golden holds the command line, then stdout, stderr and the exit code,
// after normalization of what differs by nature between runs and servers:
// member, cluster and lease IDs (in decimal and hex), URLs and ports,
// durations, remaining TTLs; in endpoint status and hashkv output the
// revisions, raft terms and indexes, database sizes and hashes; and the JSON
// log lines etcd's client writes on retries. Nothing else: a golden shows
// etcd's bytes. A fresh server per run makes every other revision the same.
package etcdctl
