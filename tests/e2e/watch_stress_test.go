package e2e

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

type seenEvent struct {
	rev int64
	key string
}

// TestWatchManyWatchers runs 1,000 watchers on 100 key groups (over four
// client connections, so a few streams each carrying hundreds of watchers)
// while concurrent writers make 100,000 puts. A quarter of the watchers
// start late from an old revision, catching up from the backend while the
// writes go on. Every watcher must see exactly its group's history: every
// put, in revision order, without gap or duplicate.
func TestWatchManyWatchers(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	const (
		groups   = 100
		watchers = 1000
		puts     = 100000
		writers  = 16
		clients  = 4
	)
	p, cli := startMember(t, e2e.Config{Args: []string{"--unsafe-no-fsync"}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	wclis := []*clientv3.Client{cli}
	for len(wclis) < clients {
		wclis = append(wclis, newClient(t, p.ClientURL))
	}
	r0, err := cli.Get(ctx, "w/")
	if err != nil {
		t.Fatal(err)
	}
	startRev := r0.Header.Revision + 1

	type watcher struct {
		group int
		mu    sync.Mutex
		evs   []seenEvent
		err   error
	}
	ws := make([]*watcher, watchers)
	var wg sync.WaitGroup
	var lastRev atomic.Int64 // set when the writers are done
	done := make([]chan struct{}, watchers)
	created := make([]chan struct{}, watchers)
	runWatcher := func(i int, opts ...clientv3.OpOption) {
		w := ws[i]
		ch := wclis[i%clients].Watch(ctx, fmt.Sprintf("w/%03d/", w.group), append(opts, clientv3.WithPrefix(), clientv3.WithCreatedNotify())...)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[i])
			for r := range ch {
				if err := r.Err(); err != nil {
					w.err = err
					return
				}
				if r.Created {
					close(created[i])
					continue
				}
				w.mu.Lock()
				for _, e := range r.Events {
					if e.Type != mvccpb.PUT {
						w.err = fmt.Errorf("unexpected %s", e.Type)
					}
					w.evs = append(w.evs, seenEvent{e.Kv.ModRevision, string(e.Kv.Key)})
				}
				w.mu.Unlock()
				if l := lastRev.Load(); l != 0 && r.Header.Revision >= l {
					return
				}
			}
		}()
	}
	late := watchers / 4
	for i := 0; i < watchers; i++ {
		ws[i] = &watcher{group: i % groups}
		done[i] = make(chan struct{})
		created[i] = make(chan struct{})
	}
	for i := late; i < watchers; i++ {
		runWatcher(i)
	}
	for i := late; i < watchers; i++ {
		select {
		case <-created[i]:
		case <-ctx.Done():
			t.Fatal("watchers not created")
		}
	}

	var mu sync.Mutex
	history := make([][]seenEvent, groups)
	var next atomic.Int64
	var werr atomic.Value
	var wwg sync.WaitGroup
	begin := time.Now()
	for w := 0; w < writers; w++ {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			for {
				n := next.Add(1) - 1
				if n >= puts {
					return
				}
				g := int(n % groups)
				key := fmt.Sprintf("w/%03d/%d", g, (n/groups)%7)
				r, err := cli.Put(ctx, key, "v")
				if err != nil {
					werr.Store(err)
					return
				}
				mu.Lock()
				history[g] = append(history[g], seenEvent{r.Header.Revision, key})
				mu.Unlock()
				if n == puts/3 {
					// Late watchers start from the first revision while
					// writes go on.
					for i := 0; i < late; i++ {
						runWatcher(i, clientv3.WithRev(startRev))
					}
				}
			}
		}()
	}
	wwg.Wait()
	if e := werr.Load(); e != nil {
		t.Fatal(e)
	}
	writeDur := time.Since(begin)
	var maxRev int64
	for g := range history {
		sort.Slice(history[g], func(i, j int) bool { return history[g][i].rev < history[g][j].rev })
		if n := len(history[g]); n > 0 && history[g][n-1].rev > maxRev {
			maxRev = history[g][n-1].rev
		}
	}
	lastRev.Store(maxRev)
	// Watchers whose group's last put is below maxRev stop at the next
	// response past it; a progress request makes every stream send one.
	for _, c := range wclis {
		if err := c.RequestProgress(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := range ws {
		select {
		case <-done[i]:
		case <-time.After(60 * time.Second):
			w := ws[i]
			w.mu.Lock()
			n := len(w.evs)
			w.mu.Unlock()
			t.Fatalf("watcher %d (group %d) stuck with %d of %d events", i, w.group, n, len(history[w.group]))
		}
	}
	total := 0
	for i, w := range ws {
		if w.err != nil {
			t.Fatalf("watcher %d: %v", i, w.err)
		}
		want := history[w.group]
		if len(w.evs) != len(want) {
			t.Fatalf("watcher %d (group %d): %d events, want %d", i, w.group, len(w.evs), len(want))
		}
		for j := range want {
			if w.evs[j] != want[j] {
				t.Fatalf("watcher %d event %d: got %v want %v", i, j, w.evs[j], want[j])
			}
		}
		total += len(w.evs)
	}
	t.Logf("%d puts in %v (%.0f/s); %d watchers received %d events in total", puts, writeDur, puts/writeDur.Seconds(), watchers, total)
	cancel()
	wg.Wait()
}
