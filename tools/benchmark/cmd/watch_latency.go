package cmd

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

type watchLatencyOptions struct {
	putTotal          int
	putRate           int
	keySize, valSize  int
	streams           int
	watchersPerStream int
	prevKV            bool
}

func newWatchLatencyCommand(g *globals) *cobra.Command {
	o := &watchLatencyOptions{}
	cmd := &cobra.Command{
		Use:   "watch-latency",
		Short: "Benchmark watch latency",
		Long: `Benchmarks the latency for watches by measuring
	the latency between writing to a key and receiving the
	associated watch response.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	f := cmd.Flags()
	f.IntVar(&o.putTotal, "put-total", 1000, "Total number of put requests")
	f.IntVar(&o.putRate, "put-rate", 100, "Number of keys to put per second")
	f.IntVar(&o.keySize, "key-size", 32, "Key size of watch response")
	f.IntVar(&o.valSize, "val-size", 32, "Value size of watch response")
	f.IntVar(&o.streams, "streams", 10, "Total watch streams")
	f.IntVar(&o.watchersPerStream, "watchers-per-stream", 10, "Total watchers per stream")
	f.BoolVar(&o.prevKV, "prevkv", false, "PrevKV enabled on watch requests")
	return cmd
}

func (o *watchLatencyOptions) run(ctx context.Context, g *globals) error {
	if err := positive("streams", o.streams); err != nil {
		return err
	}
	key := string(randBytes(o.keySize))
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()

	opts := []clientv3.OpOption{clientv3.WithCreatedNotify()}
	if o.prevKV {
		opts = append(opts, clientv3.WithPrevKV())
	}
	var wchs []clientv3.WatchChan
	for i := range o.streams {
		w := clientv3.NewWatcher(cs.clients[i%len(cs.clients)])
		for range o.watchersPerStream {
			wch := w.Watch(wctx, key, opts...)
			if resp, ok := <-wch; !ok || resp.Err() != nil {
				return fmt.Errorf("watch creation failed: %v", resp.Err())
			}
			wchs = append(wchs, wch)
		}
	}

	tl := newPutTimeline(o.putTotal)
	pr, wr := g.newReport(), g.newReport()
	pdone, wdone := pr.Run(), wr.Run()
	bar := g.newProgress(o.putTotal)
	var wg sync.WaitGroup
	for _, wch := range wchs {
		wg.Go(func() {
			got := 0
			for resp := range wch {
				now := time.Now()
				for _, ev := range resp.Events {
					if seq, ok := valueSeq(ev.Kv.Value); ok {
						if st, ok := tl.issuedAt(seq); ok {
							wr.Results() <- report.Result{Start: st, End: now}
						}
					}
					if got++; got == o.putTotal {
						return
					}
				}
			}
		})
	}
	limit := newLimiter(o.putRate)
	var putErr error
	for i := range o.putTotal {
		if putErr = limit.Wait(ctx); putErr != nil {
			break
		}
		st := time.Now()
		tl.mark(i)
		_, err := cs.clients[0].Put(ctx, key, seqValue(i, o.valSize))
		pr.Results() <- report.Result{Err: err, Start: st, End: time.Now()}
		bar.Increment()
		if err != nil {
			putErr = fmt.Errorf("Failed to Put for watch latency benchmark: %w", err)
			break
		}
	}
	if putErr != nil {
		cancel()
	}
	wg.Wait()
	close(pr.Results())
	close(wr.Results())
	bar.Finish()
	g.printReport("watch-latency-put", "\nPut summary:\n", <-pdone)
	g.printReport("watch-latency", "\nWatch events summary:\n", <-wdone)
	return putErr
}
