package mvcc

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// TestConcurrentWritersReadersCompaction runs writers, readers and
// compactions at once (for -race), records the serial order through a
// watcher from revision 1, replays that order into a fresh store and checks
// both stores agree on every key at the final revision.
func TestConcurrentWritersReadersCompaction(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	ws := s.NewWatchStream()
	defer ws.Close()
	if _, err := ws.Watch(AutoWatchID, []byte{0}, []byte{0}, 1); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	byRev := map[int64][]*mvccpb.Event{}
	watched := int64(1)
	recvDone := make(chan struct{})
	go func() {
		defer close(recvDone)
		for r := range ws.Chan() {
			mu.Lock()
			if r.CompactRevision != 0 {
				t.Errorf("recording watcher compacted at %d", r.CompactRevision)
			}
			for _, e := range r.Events {
				byRev[e.Kv.ModRevision] = append(byRev[e.Kv.ModRevision], e)
			}
			watched = max(watched, r.Revision)
			mu.Unlock()
		}
	}()

	var wg, writers sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		writers.Add(1)
		go func(w int) {
			defer writers.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for i := 0; i < 400; i++ {
				tw := s.Write(ctx)
				for j := 0; j < 1+rng.Intn(3); j++ {
					k := []byte(fmt.Sprintf("k%02d", rng.Intn(20)))
					if rng.Intn(5) == 0 {
						tw.DeleteRange(k, nil)
					} else {
						tw.Put(k, []byte(fmt.Sprintf("w%d-%d-%d", w, i, j)), 0)
					}
				}
				tw.End()
			}
		}(w)
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				rev := s.Rev()
				res, err := s.Range(ctx, []byte("k"), []byte("l"), RangeOptions{Rev: rev - int64(rand.Intn(20))})
				if err != nil && !errors.Is(err, ErrCompacted) && !errors.Is(err, ErrFutureRev) {
					t.Error(err)
					return
				}
				if err == nil {
					for _, kv := range res.KVs {
						if kv.ModRevision > res.Rev || kv.CreateRevision > kv.ModRevision {
							t.Errorf("bad kv %v at %d", kv, res.Rev)
						}
					}
				}
			}
		}()
	}
	compDone := make(chan struct{})
	go func() {
		defer close(compDone)
		for i := 0; i < 20; i++ {
			mu.Lock()
			at := min(s.Rev()-30, watched)
			mu.Unlock()
			if ch, err := s.Compact(ctx, at); err == nil {
				<-ch
			}
			time.Sleep(time.Millisecond)
		}
	}()
	<-compDone
	writers.Wait()
	close(stop)
	wg.Wait()
	final := s.Rev()
	for {
		mu.Lock()
		_, ok := byRev[final]
		mu.Unlock()
		if ok {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ws.Close()
	<-recvDone

	// Replay.
	b2 := openTestBackend(t, filepath.Join(t.TempDir(), "db"))
	defer b2.Close()
	s2, err := NewStore(b2, nil, StoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for rev := int64(2); rev <= final; rev++ {
		evs := byRev[rev]
		if len(evs) == 0 {
			t.Fatalf("no events at %d", rev)
		}
		tw := s2.Write(ctx)
		for _, e := range evs {
			if e.Type == mvccpb.Event_DELETE {
				tw.DeleteRange(e.Kv.Key, nil)
			} else {
				tw.Put(e.Kv.Key, e.Kv.Value, 0)
			}
		}
		tw.End()
	}
	a, err := s.Range(ctx, []byte("k"), []byte("l"), RangeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s2.Range(ctx, []byte("k"), []byte("l"), RangeOptions{})
	if a.Rev != b.Rev || len(a.KVs) != len(b.KVs) {
		t.Fatalf("rev %d vs %d, %d vs %d keys", a.Rev, b.Rev, len(a.KVs), len(b.KVs))
	}
	for i := range a.KVs {
		if !a.KVs[i].EqualVT(b.KVs[i]) {
			t.Fatalf("%v vs %v", a.KVs[i], b.KVs[i])
		}
	}
}
