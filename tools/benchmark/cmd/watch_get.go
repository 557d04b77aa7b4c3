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

type watchGetOptions struct {
	watchers int
	streams  int
	events   int
}

func newWatchGetCommand(g *globals) *cobra.Command {
	o := &watchGetOptions{}
	cmd := &cobra.Command{
		Use:   "watch-get",
		Short: "Benchmark watch with get",
		Long:  `Benchmark for serialized key gets with many unsynced watchers`,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	f := cmd.Flags()
	f.IntVar(&o.watchers, "watchers", 10000, "Total number of watchers")
	f.IntVar(&o.streams, "streams", 1, "Total number of watcher streams")
	f.IntVar(&o.events, "events", 8, "Number of events per watcher")
	return cmd
}

func (o *watchGetOptions) run(ctx context.Context, g *globals) error {
	if err := positive("streams", o.streams); err != nil {
		return err
	}
	if err := positive("events", o.events); err != nil {
		return err
	}
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	getter, err := g.newClientsN(ctx, 1, 1)
	if err != nil {
		return err
	}
	defer getter.Close()

	// The events the watchers will catch up on.
	var rev int64
	for i := range o.events {
		resp, err := cs.clients[0].Put(ctx, "watchkey", fmt.Sprint(i))
		if err != nil {
			return err
		}
		if i == 0 {
			rev = resp.Header.Revision
		}
	}
	streams := make([]clientv3.Watcher, o.streams)
	for i := range streams {
		streams[i] = clientv3.NewWatcher(cs.clients[i%len(cs.clients)])
	}

	r := g.newReport()
	done := r.Run()
	bar := g.newProgress(o.watchers * o.events)
	gctx, stopGets := context.WithCancel(ctx)
	getsDone := make(chan struct{})
	var startGets sync.Once
	gets := func() {
		defer close(getsDone)
		for {
			st := time.Now()
			_, err := getter.clients[0].Get(gctx, "abc", clientv3.WithSerializable())
			if gctx.Err() != nil {
				return
			}
			r.Results() <- report.Result{Err: err, Start: st, End: time.Now()}
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := range o.watchers {
		wg.Go(func() {
			wch := streams[i%len(streams)].Watch(wctx, "watchkey", clientv3.WithRev(rev))
			startGets.Do(func() { go gets() })
			for n := 0; n < o.events; {
				resp, ok := <-wch
				if !ok {
					return
				}
				n += len(resp.Events)
				bar.Add(len(resp.Events))
			}
		})
	}
	wg.Wait()
	stopGets()
	startGets.Do(func() { close(getsDone) })
	<-getsDone
	close(r.Results())
	bar.Finish()
	g.printReport("watch-get", "Get during watch summary:\n", <-done)
	return ctx.Err()
}
