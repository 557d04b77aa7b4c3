package e2e

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestCrashRecovery kills the server with SIGKILL at random moments while
// writers make puts; after each restart every acknowledged put is there
// and the revision never goes back. Snapshots are frequent so that crashes
// also land around them.
func TestCrashRecovery(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 5
	}
	p := e2e.NewProcess(t, e2e.Config{Args: []string{"--snapshot-count", "100"}})
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	acked := map[string]string{} // key -> value of the last acknowledged put
	ackRev := map[string]int64{}
	var lastRev int64
	seq := 0
	for round := 0; round < rounds; round++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		if err := p.Start(ctx); err != nil {
			cancel()
			t.Fatalf("round %d: %v", round, err)
		}
		cancel()
		cli := newClient(t, p.ClientURL)
		verify(t, cli, round, acked, ackRev, &lastRev)

		// Writers until the kill.
		var mu sync.Mutex
		var wg sync.WaitGroup
		wctx, wcancel := context.WithCancel(context.Background())
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; wctx.Err() == nil; i++ {
					mu.Lock()
					seq++
					key := fmt.Sprintf("crash/%d", seq%200)
					val := strconv.Itoa(seq)
					mu.Unlock()
					resp, err := cli.Put(wctx, key, val)
					if err != nil {
						return
					}
					mu.Lock()
					if resp.Header.Revision > ackRev[key] {
						acked[key], ackRev[key] = val, resp.Header.Revision
					}
					mu.Unlock()
				}
			}(w)
		}
		time.Sleep(time.Duration(20+rng.Intn(200)) * time.Millisecond)
		p.Kill()
		wcancel()
		wg.Wait()
		cli.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	verify(t, newClient(t, p.ClientURL), rounds, acked, ackRev, &lastRev)
	snaps, _ := filepath.Glob(filepath.Join(p.DataDir(), "member", "snap", "*.snap"))
	if len(snaps) == 0 {
		t.Fatalf("no snapshot was taken")
	}
	t.Logf("%d acknowledged keys, revision %d, %d snapshot files", len(acked), lastRev, len(snaps))
}

func verify(t *testing.T, cli *clientv3.Client, round int, acked map[string]string, ackRev map[string]int64, lastRev *int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, "crash/", clientv3.WithPrefix())
	if err != nil {
		t.Fatalf("round %d: get: %v", round, err)
	}
	got := map[string]int64{}
	vals := map[string]string{}
	for _, kv := range resp.Kvs {
		got[string(kv.Key)] = kv.ModRevision
		vals[string(kv.Key)] = string(kv.Value)
	}
	for k, rev := range ackRev {
		if got[k] < rev {
			t.Fatalf("round %d: key %s acknowledged at revision %d (value %s) but found at %d (value %q)", round, k, rev, acked[k], got[k], vals[k])
		}
		if got[k] == rev && vals[k] != acked[k] {
			t.Fatalf("round %d: key %s at revision %d has %q, acknowledged %q", round, k, rev, vals[k], acked[k])
		}
	}
	if resp.Header.Revision < *lastRev {
		t.Fatalf("round %d: revision went back from %d to %d", round, *lastRev, resp.Header.Revision)
	}
	*lastRev = resp.Header.Revision
}
