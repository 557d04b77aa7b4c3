package cmd

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

type watchOptions struct {
	streams        int
	watchPerStream int
	watchedKeys    int
	putRate        int
	putTotal       int
	keySize        int
	keySpaceSize   int
	seqKeys        bool
}

func newWatchCommand(g *globals) *cobra.Command {
	o := &watchOptions{}
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Benchmark watch",
		Long: `Benchmark watch tests the performance of processing watch requests and
sending events to watchers. It tests the sending performance by
changing the value of the watched keys with concurrent put
requests.

During the test, each watcher watches (--total/--watchers) keys

(a watcher might watch on the same key multiple times if
--watched-key-total is small).

Each key is watched by (--total/--watched-key-total) watchers.
`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	f := cmd.Flags()
	f.IntVar(&o.streams, "streams", 10, "Total watch streams")
	f.IntVar(&o.watchPerStream, "watch-per-stream", 100, "Total watchers per stream")
	f.IntVar(&o.watchedKeys, "watched-key-total", 1, "Total number of keys to be watched")
	f.IntVar(&o.putRate, "put-rate", 0, "Number of keys to put per second")
	f.IntVar(&o.putTotal, "put-total", 1000, "Number of put requests")
	f.IntVar(&o.keySize, "key-size", 32, "Key size of watch request")
	f.IntVar(&o.keySpaceSize, "key-space-size", 1, "Maximum possible keys")
	f.BoolVar(&o.seqKeys, "sequential-keys", false, "Use sequential keys")
	return cmd
}

// watchSet is the watches a run made and how many watch each key.
type watchSet struct {
	keys     []string
	watchers map[string]int
	chans    []clientv3.WatchChan
}

func (o *watchOptions) run(ctx context.Context, g *globals) error {
	if err := positive("key-space-size", o.keySpaceSize); err != nil {
		return err
	}
	if err := positive("watched-key-total", o.watchedKeys); err != nil {
		return err
	}
	conns := min(g.clients, g.conns)
	if want := uint(1 + o.streams/100); conns < want {
		fmt.Fprintf(g.env.Stderr, "warning: grpc limits 100 streams per client connection, have %d but need %d\n", conns, want)
	}
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()

	ws := &watchSet{keys: make([]string, o.watchedKeys), watchers: map[string]int{}}
	for i := range ws.keys {
		ws.keys[i] = varintKey(o.keySize, keyIndex(i, o.keySpaceSize, o.seqKeys))
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := o.makeWatches(wctx, g, cs.clients, ws); err != nil {
		return err
	}
	return o.putAndReceive(ctx, wctx, cancel, g, cs.clients, ws)
}

// makeWatches opens --streams watch streams with --watch-per-stream
// watches each, timing each watch until the server confirms it, so that
// no later put can be missed.
func (o *watchOptions) makeWatches(ctx context.Context, g *globals, clients []*clientv3.Client, ws *watchSet) error {
	total := o.streams * o.watchPerStream
	keyc := make(chan string, o.streams)
	go func() {
		defer close(keyc)
		for i := range total {
			k := ws.keys[i%len(ws.keys)]
			ws.watchers[k]++
			keyc <- k
		}
	}()
	r := g.newReport()
	done := r.Run()
	bar := g.newProgress(total)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs atomic.Int64
	)
	for i := range o.streams {
		w := clientv3.NewWatcher(clients[i%len(clients)])
		wg.Go(func() {
			for k := range keyc {
				st := time.Now()
				wch := w.Watch(ctx, k, clientv3.WithCreatedNotify())
				var err error
				if resp, ok := <-wch; !ok {
					err = fmt.Errorf("watch closed before creation: %w", context.Cause(ctx))
				} else if err = resp.Err(); err == nil && !resp.Created {
					err = fmt.Errorf("watch sent an event before its creation notice")
				}
				if err != nil {
					errs.Add(1)
				}
				r.Results() <- report.Result{Err: err, Start: st, End: time.Now()}
				bar.Increment()
				mu.Lock()
				ws.chans = append(ws.chans, wch)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(r.Results())
	bar.Finish()
	g.printReport("watch", "Watch creation summary:\n", <-done)
	if n := errs.Load(); n > 0 {
		return fmt.Errorf("%d watches failed", n)
	}
	return ctx.Err()
}

// putAndReceive puts --put-total values to the watched keys and times
// every event from its put to its arrival at each watcher.
func (o *watchOptions) putAndReceive(ctx, wctx context.Context, stop context.CancelFunc, g *globals, clients []*clientv3.Client, ws *watchSet) error {
	events := 0
	for i := range o.putTotal {
		events += ws.watchers[ws.keys[i%len(ws.keys)]]
	}
	r := g.newReport()
	done := r.Run()
	bar := g.newProgress(events)
	tl := newPutTimeline(o.putTotal)
	remaining := atomic.Int64{}
	remaining.Store(int64(events))
	var wg sync.WaitGroup
	for _, wch := range ws.chans {
		wg.Go(func() {
			for resp := range wch {
				for _, ev := range resp.Events {
					now := time.Now()
					if seq, ok := valueSeq(ev.Kv.Value); !ok {
						tl.unattributed.Add(1)
					} else if st, ok := tl.issuedAt(seq); !ok {
						tl.unattributed.Add(1)
					} else {
						r.Results() <- report.Result{Start: st, End: now}
					}
					bar.Increment()
					if remaining.Add(-1) == 0 {
						stop()
					}
				}
			}
		})
	}
	var putErr atomic.Pointer[error]
	putsDone := make(chan struct{})
	go func() {
		defer close(putsDone)
		puts := load[*clientv3.Client, int]{
			workers: clients, total: o.putTotal, limit: newLimiter(o.putRate),
			next: func(i int) int { return i },
			do: func(ctx context.Context, c *clientv3.Client, seq int) error {
				tl.mark(seq)
				_, err := c.Put(ctx, ws.keys[seq%len(ws.keys)], seqValue(seq, 8))
				if err != nil && ctx.Err() == nil {
					putErr.CompareAndSwap(nil, &err)
					stop()
				}
				return err
			},
			bar: noProgress{},
		}
		puts.run(wctx)
	}()
	wg.Wait()
	<-putsDone
	close(r.Results())
	bar.Finish()
	g.printReport("watch-put", "Watch events received summary:\n", <-done)
	if n := tl.unattributed.Load(); n > 0 {
		fmt.Fprintf(g.env.Stderr, "warning: %d watch events could not be attributed to a put and are excluded from the summary\n", n)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := putErr.Load(); err != nil {
		return fmt.Errorf("put: %w", *err)
	}
	if n := remaining.Load(); n > 0 {
		return fmt.Errorf("%d of %d watch events not received", n, events)
	}
	return nil
}
