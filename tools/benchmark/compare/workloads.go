package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// workload is one benchmark command line, given to the benchmark tool
// after --endpoints.
type workload struct {
	name string
	// args are the benchmark arguments; "%d" is replaced by the total.
	args string
	// total is the request count of a full run; quick runs use quick.
	total, quick int
	// op names the summary whose numbers the table shows.
	op string
	// minRatio is the least throughput ratio (ours / etcd) this workload
	// must reach (0: 1.0).
	minRatio float64
	// setup prepares the cluster before the run (nil: nothing).
	setup func(ctx context.Context, endpoints []string) error
}

// argv returns the workload's arguments for a full or quick run.
func (w workload) argv(quick bool) []string {
	n := w.total
	if quick {
		n = w.quick
	}
	return strings.Fields(fmt.Sprintf(w.args, n))
}

// workloads sized to keep a full comparison under 15 minutes on 2 cores
// (-quick: about 3 minutes).
var workloads = []workload{
	{name: "put 1 client", op: "put", total: 5000, quick: 500,
		args: "--conns=1 --clients=1 put --key-size=8 --val-size=256 --sequential-keys --key-space-size=100000 --total=%d"},
	{name: "put 16x256 val=256", op: "put", total: 60000, quick: 15000, minRatio: 1.3,
		args: "--conns=16 --clients=256 put --key-size=8 --val-size=256 --sequential-keys --key-space-size=100000 --total=%d"},
	{name: "range 1 key linearizable", op: "range", total: 60000, quick: 15000, setup: putFoo,
		args: "--conns=16 --clients=256 range foo --consistency=l --total=%d"},
	{name: "range 1 key serializable", op: "range", total: 100000, quick: 25000, setup: putFoo,
		args: "--conns=16 --clients=256 range foo --consistency=s --total=%d"},
	{name: "txn-put 16x256", op: "txn-put", total: 60000, quick: 15000,
		args: "--conns=16 --clients=256 txn-put --key-size=8 --val-size=256 --key-space-size=100000 --total=%d"},
	{name: "watch 1000 watchers", op: "watch-put", total: 1000, quick: 150,
		args: "--conns=2 --clients=2 watch --streams=10 --watch-per-stream=100 --watched-key-total=1 --put-total=%d"},
	{name: "lease keepalive 10000 leases", op: "lease-keepalive", total: 40000, quick: 15000,
		args: "--conns=16 --clients=10000 lease-keepalive --total=%d"},
}

// target is the least throughput ratio the workload must reach.
func (w workload) target() float64 {
	if w.minRatio > 0 {
		return w.minRatio
	}
	return 1
}

// putFoo writes the key the range workloads read.
func putFoo(ctx context.Context, endpoints []string) error {
	c, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: 5 * time.Second, Context: ctx})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Put(ctx, "foo", strings.Repeat("v", 256))
	return err
}
