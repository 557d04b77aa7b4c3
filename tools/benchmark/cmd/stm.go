package cmd

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdgo/etcd/api/v3/v3lockpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

type stmOptions struct {
	isolation    string
	keys         int
	total        int
	keysPerTxn   int
	writePercent int
	locker       string
	valSize      int
	rate         int
}

func newSTMCommand(g *globals) *cobra.Command {
	o := &stmOptions{}
	cmd := &cobra.Command{
		Use:   "stm",
		Short: "Benchmark STM",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	f := cmd.Flags()
	f.StringVar(&o.isolation, "isolation", "r", "Read Committed (c), Repeatable Reads (r), Serializable (s), or Snapshot (ss)")
	f.IntVar(&o.keys, "keys", 1, "Total unique keys accessible by the benchmark")
	f.IntVar(&o.total, "total", 10000, "Total number of completed STM transactions")
	f.IntVar(&o.keysPerTxn, "keys-per-txn", 1, "Number of keys to access per transaction")
	f.IntVar(&o.writePercent, "txn-wr-percent", 50, "Percentage of keys to overwrite per transaction")
	f.StringVar(&o.locker, "stm-locker", "stm", "Wrap STM transaction with a custom locking mechanism (stm, lock-client, lock-rpc)")
	f.IntVar(&o.valSize, "val-size", 8, "Value size of each STM put request")
	f.IntVar(&o.rate, "rate", 0, "Maximum STM transactions per second (0 is no limit)")
	return cmd
}

var isolations = map[string]concurrency.Isolation{
	"c":  concurrency.ReadCommitted,
	"r":  concurrency.RepeatableReads,
	"s":  concurrency.Serializable,
	"ss": concurrency.SerializableSnapshot,
}

func (o *stmOptions) validate() (concurrency.Isolation, error) {
	if o.keys <= 0 {
		return 0, fmt.Errorf("expected positive --keys, got (%v)", o.keys)
	}
	if o.writePercent < 0 || o.writePercent > 100 {
		return 0, fmt.Errorf("expected [0, 100] --txn-wr-percent, got (%v)", o.writePercent)
	}
	if o.keysPerTxn < 0 || o.keysPerTxn > o.keys {
		return 0, fmt.Errorf("expected --keys-per-txn between 0 and %v, got (%v)", o.keys, o.keysPerTxn)
	}
	iso, ok := isolations[o.isolation]
	if !ok {
		return 0, fmt.Errorf("unexpected --isolation %q: want c, r, s or ss", o.isolation)
	}
	switch o.locker {
	case "stm", "lock-client", "lock-rpc":
	default:
		return 0, fmt.Errorf("unexpected stm locker %q", o.locker)
	}
	return iso, nil
}

// keySet picks --keys-per-txn distinct keys of the key space.
func (o *stmOptions) keySet() []string {
	set := make(map[string]struct{}, o.keysPerTxn)
	out := make([]string, 0, o.keysPerTxn)
	for len(out) < o.keysPerTxn {
		k := varintKey(16, mrand.Int64N(int64(o.keys)))
		if _, dup := set[k]; !dup {
			set[k] = struct{}{}
			out = append(out, k)
		}
	}
	return out
}

func (o *stmOptions) run(ctx context.Context, g *globals) error {
	iso, err := o.validate()
	if err != nil {
		return err
	}
	cs, err := g.newClients(ctx)
	if err != nil {
		return err
	}
	defer cs.Close()
	limit := newLimiter(o.rate)
	// One locker per client: a mutex session serves one goroutine.
	workers := make([]*stmLocker, len(cs.clients))
	for i, c := range cs.clients {
		l, err := newSTMLocker(ctx, c, o.locker)
		if err != nil {
			return err
		}
		defer l.close()
		workers[i] = l
	}

	r := g.newReport()
	done := r.Run()
	bar := g.newProgress(o.total)
	next := func(int) func(concurrency.STM) error {
		keys := o.keySet()
		return func(s concurrency.STM) error {
			if err := limit.Wait(ctx); err != nil {
				return err
			}
			writes := len(keys) * o.writePercent / 100
			for _, k := range keys {
				s.Get(k)
				if writes > 0 {
					s.Put(k, string(randBytes(o.valSize)))
					writes--
				}
			}
			return nil
		}
	}
	do := func(ctx context.Context, l *stmLocker, apply func(concurrency.STM) error) error {
		st := time.Now()
		err := l.lock(ctx)
		if err == nil {
			_, err = concurrency.NewSTM(l.client, apply, concurrency.WithIsolation(iso), concurrency.WithAbortContext(ctx))
			if uerr := l.unlock(ctx); err == nil {
				err = uerr
			}
		}
		r.Results() <- report.Result{Err: err, Start: st, End: time.Now()}
		return err
	}
	load[*stmLocker, func(concurrency.STM) error]{
		workers: workers, total: o.total, limit: newLimiter(0),
		next: next, do: do, bar: bar,
	}.run(ctx)
	close(r.Results())
	bar.Finish()
	g.printReport("stm", "", <-done)
	return ctx.Err()
}

// stmLocker wraps each STM transaction in a lock: none ("stm"), a
// concurrency.Mutex ("lock-client") or the Lock service ("lock-rpc").
type stmLocker struct {
	client       *clientv3.Client
	lock, unlock func(context.Context) error
	close        func()
}

func newSTMLocker(ctx context.Context, c *clientv3.Client, kind string) (*stmLocker, error) {
	nop := func(context.Context) error { return nil }
	if kind == "stm" {
		return &stmLocker{client: c, lock: nop, unlock: nop, close: func() {}}, nil
	}
	s, err := concurrency.NewSession(c, concurrency.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	l := &stmLocker{client: c, close: func() { _ = s.Close() }}
	if kind == "lock-client" {
		m := concurrency.NewMutex(s, "stmlock")
		l.lock, l.unlock = m.Lock, m.Unlock
		return l, nil
	}
	lc := v3lockpb.NewLockClient(c.ActiveConnection())
	var key []byte
	l.lock = func(ctx context.Context) error {
		resp, err := lc.Lock(ctx, &v3lockpb.LockRequest{Name: []byte("stmlock"), Lease: int64(s.Lease())})
		if resp != nil {
			key = resp.Key
		}
		return err
	}
	l.unlock = func(ctx context.Context) error {
		_, err := lc.Unlock(ctx, &v3lockpb.UnlockRequest{Key: key})
		return err
	}
	return l, nil
}
