package cmd

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

// newLimiter allows r requests per second; r <= 0 means no limit.
func newLimiter(r int) *rate.Limiter {
	if r <= 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	return rate.NewLimiter(rate.Limit(r), 1)
}

// load is one closed-loop workload: total requests made by next, run by
// every worker (usually a client) concurrently through do, at most limit
// per second.
type load[W, T any] struct {
	workers []W
	total   int
	limit   *rate.Limiter
	next    func(i int) T
	do      func(ctx context.Context, w W, req T) error
	// results receives each request's outcome (nil: not timed).
	results chan<- report.Result
	bar     progress
}

// run returns when every request is done or ctx ends.
func (l load[W, T]) run(ctx context.Context) {
	reqs := make(chan T, len(l.workers))
	go func() {
		defer close(reqs)
		for i := range l.total {
			select {
			case reqs <- l.next(i):
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for _, c := range l.workers {
		wg.Go(func() {
			for req := range reqs {
				if err := l.limit.Wait(ctx); err != nil {
					return
				}
				st := time.Now()
				err := l.do(ctx, c, req)
				if l.results != nil {
					l.results <- report.Result{Err: err, Start: st, End: time.Now()}
				}
				l.bar.Increment()
			}
		})
	}
	wg.Wait()
}

// runLoad runs a workload on the global clients and prints its summary
// under the operation name op.
func runLoad[T any](ctx context.Context, g *globals, op string, total, rateLimit int,
	next func(i int) T, do func(context.Context, *clientv3.Client, T) error) error {
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	return runLoadOn(ctx, g, cs.clients, op, total, rateLimit, next, do)
}

// runLoadOn is runLoad on given clients.
func runLoadOn[T any](ctx context.Context, g *globals, clients []*clientv3.Client, op string, total, rateLimit int,
	next func(i int) T, do func(context.Context, *clientv3.Client, T) error) error {
	r := g.newReport()
	done := r.Run()
	bar := g.newProgress(total)
	load[*clientv3.Client, T]{
		workers: clients, total: total, limit: newLimiter(rateLimit),
		next: next, do: do, results: r.Results(), bar: bar,
	}.run(ctx)
	close(r.Results())
	bar.Finish()
	g.printReport(op, "", <-done)
	return ctx.Err()
}
