package cluster

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// writer puts keys through one client until stopped and remembers what
// was acknowledged.
type writer struct {
	cli   *clientv3.Client
	mu    sync.Mutex
	acked map[string]string
	last  string
	n     atomic.Int64
	fails atomic.Int64
	stop  chan struct{}
	done  chan struct{}
}

func startWriter(cli *clientv3.Client, prefix string) *writer {
	w := &writer{cli: cli, acked: map[string]string{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for i := 0; ; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			k, v := fmt.Sprintf("%s/%d", prefix, i%50), fmt.Sprintf("v%d", i)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			_, err := w.cli.Put(ctx, k, v)
			cancel()
			if err != nil {
				w.fails.Add(1)
				time.Sleep(20 * time.Millisecond)
				continue
			}
			w.mu.Lock()
			w.acked[k] = v
			w.last = k
			w.mu.Unlock()
			w.n.Add(1)
		}
	}()
	return w
}

func (w *writer) Stop() map[string]string {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acked
}

// waitWrites waits until n more writes were acknowledged.
func (w *writer) waitWrites(t *testing.T, n int64, timeout time.Duration) {
	t.Helper()
	target := w.n.Load() + n
	eventually(t, timeout, fmt.Sprintf("%d more acknowledged writes", n), func() error {
		if got := w.n.Load(); got < target {
			return fmt.Errorf("%d of %d writes (%d failures)", got, target, w.fails.Load())
		}
		return nil
	})
}

// checkAcked reads every acknowledged key through ep (linearizable).
func checkAcked(t *testing.T, ep string, acked map[string]string) {
	t.Helper()
	cli := newClient(t, ep)
	ctx := ctxT(t, 30*time.Second)
	for k, v := range acked {
		resp, err := cli.Get(ctx, k)
		if err != nil {
			t.Fatalf("get %s through %s: %v", k, ep, err)
		}
		if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != v {
			t.Fatalf("get %s through %s: %v, want %s", k, ep, resp.Kvs, v)
		}
	}
}

// TestFailoverAndCatchUp: the real client with all endpoints keeps
// writing while a follower and then the leader are SIGKILLed; a new
// leader appears; the follower catches up from the log and the old
// leader, after many writes compacted the log, from a snapshot.
func TestFailoverAndCatchUp(t *testing.T) {
	c := newCluster(t, 3, "--snapshot-count", "1000", "--snapshot-catchup-entries", "20")
	cli := newClient(t, c.Endpoints()...)
	w := startWriter(cli, "fo")
	w.waitWrites(t, 20, 30*time.Second)

	// 1. A follower is killed, misses a few writes, catches up from the log.
	lead := leaderIndex(t, c)
	f := c.Members[(lead+1)%3]
	f.Kill()
	w.waitWrites(t, 10, 30*time.Second)
	acked1 := w.Stop()
	if err := f.Restart(ctxT(t, 60*time.Second)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.Log(), "received and saved database snapshot") {
		t.Fatalf("%s caught up with a snapshot, want the log:\n%s\nLEADER:\n%s", f.Name, f.Log(), c.Members[lead].Log())
	}
	checkAcked(t, f.ClientURL, acked1)
	w = startWriter(cli, "fo2")

	// 2. The leader is killed; writes go on through the others.
	lead = leaderIndex(t, c)
	old := c.Members[lead]
	oldID := old.ID()
	old.Kill()
	t.Logf("killed leader %s (%s)", old.Name, oldID)
	eventually(t, 20*time.Second, "new leader", func() error {
		for _, m := range c.Members {
			if m == old {
				continue
			}
			sc := statusClient(t, m.ClientURL)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			st, err := sc.Status(ctx, m.ClientURL)
			cancel()
			sc.Close()
			if err != nil {
				return err
			}
			if st.Leader == 0 || fmt.Sprintf("%x", st.Leader) == oldID {
				return fmt.Errorf("%s: leader %x", m.Name, st.Leader)
			}
		}
		return nil
	})
	// Enough writes that the log the old leader needs is compacted.
	w.waitWrites(t, 1500, 90*time.Second)
	if err := old.Restart(ctxT(t, 60*time.Second)); err != nil {
		t.Fatal(err)
	}
	w.waitWrites(t, 10, 30*time.Second)
	acked := w.Stop()
	for k, v := range acked1 {
		acked[k] = v
	}
	if !strings.Contains(old.Log(), "received and saved database snapshot") || !strings.Contains(old.Log(), "applied snapshot") {
		t.Fatalf("%s did not catch up from a snapshot:\n%s", old.Name, old.Log())
	}
	for _, m := range c.Members {
		checkAcked(t, m.ClientURL, acked)
	}
	resp, err := cli.Get(ctxT(t, 10*time.Second), "fo/0")
	if err != nil {
		t.Fatal(err)
	}
	hashKVAll(t, c, resp.Header.Revision)
	t.Logf("%d writes acknowledged, %d failed attempts", w.n.Load(), w.fails.Load())
}
