package mvcc

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// modelEvent is an event as the history model predicts it.
type modelEvent struct {
	typ                  mvccpb.Event_EventType
	key, value           string
	create, mod, version int64
}

func (e modelEvent) String() string {
	return fmt.Sprintf("%v %s=%q c=%d m=%d v=%d", e.typ, e.key, e.value, e.create, e.mod, e.version)
}

func toModel(e *mvccpb.Event) modelEvent {
	return modelEvent{typ: e.Type, key: string(e.Kv.Key), value: string(e.Kv.Value), create: e.Kv.CreateRevision, mod: e.Kv.ModRevision, version: e.Kv.Version}
}

type randWatcher struct {
	key, end []byte
	start    int64
	noPut    bool
	noDel    bool
	id       WatchID
	stream   WatchStream
	mu       sync.Mutex
	resps    []WatchResponse
}

func (w *randWatcher) matches(e modelEvent) bool {
	k := []byte(e.key)
	if w.end == nil {
		if !bytes.Equal(k, w.key) {
			return false
		}
	} else if bytes.Compare(k, w.key) < 0 || (!isFromKey(w.end) && bytes.Compare(k, w.end) >= 0) {
		return false
	}
	if w.noPut && e.typ == mvccpb.Event_PUT {
		return false
	}
	if w.noDel && e.typ == mvccpb.Event_DELETE {
		return false
	}
	return true
}

// TestWatchRandomized checks, against a model of the history, that every
// watcher sees exactly the matching events from its start revision, in order,
// without gap or duplicate, whole revisions per response, including watchers
// started in the past (history replay) and slow consumers (victims).
func TestWatchRandomized(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runWatchRandomized(t, seed) })
	}
}

func runWatchRandomized(t *testing.T, seed int64) {
	s, _, _ := newTestStore(t)
	rng := rand.New(rand.NewSource(seed))
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	type kstate struct {
		value                string
		create, mod, version int64
	}
	model := map[string]*kstate{}
	history := map[int64][]modelEvent{}
	var watchers []*randWatcher
	var consumers sync.WaitGroup
	stop := make(chan struct{})

	newWatcher := func(cur int64) {
		w := &randWatcher{}
		switch rng.Intn(3) {
		case 0:
			w.key = []byte(keys[rng.Intn(len(keys))])
		case 1:
			i := rng.Intn(len(keys) - 1)
			w.key, w.end = []byte(keys[i]), []byte(keys[i+1+rng.Intn(len(keys)-i-1)])
		default:
			w.key, w.end = []byte(keys[rng.Intn(len(keys))]), []byte{0}
		}
		switch rng.Intn(4) {
		case 0:
			w.start = 0
		default:
			w.start = max(1, cur-int64(rng.Intn(200)))
		}
		var fcs []FilterFunc
		if rng.Intn(6) == 0 {
			w.noPut = true
			fcs = append(fcs, FilterNoPut)
		} else if rng.Intn(6) == 0 {
			w.noDel = true
			fcs = append(fcs, FilterNoDelete)
		}
		w.stream = s.NewWatchStream()
		if w.start == 0 {
			w.start = cur + 1
		}
		id, err := w.stream.Watch(AutoWatchID, w.key, w.end, w.start, fcs...)
		if err != nil {
			t.Fatal(err)
		}
		w.id = id
		slow := rng.Intn(3) == 0
		consumers.Add(1)
		go func() {
			defer consumers.Done()
			for r := range w.stream.Chan() {
				w.mu.Lock()
				w.resps = append(w.resps, r)
				w.mu.Unlock()
				if slow {
					time.Sleep(50 * time.Microsecond)
				}
			}
		}()
		watchers = append(watchers, w)
	}

	ctx := context.Background()
	for i := 0; i < 1500; i++ {
		if i%60 == 0 {
			newWatcher(s.Rev())
		}
		tw := s.Write(ctx)
		rev := tw.Rev() + 1
		nops := 1 + rng.Intn(3)
		for j := 0; j < nops; j++ {
			k := keys[rng.Intn(len(keys))]
			if rng.Intn(4) == 0 {
				end := ""
				if rng.Intn(2) == 0 {
					end = keys[rng.Intn(len(keys))] + "z"
				}
				var e []byte
				if end != "" {
					e = []byte(end)
				}
				tw.DeleteRange([]byte(k), e)
				for _, mk := range keys {
					if ((end == "" && mk == k) || (end != "" && mk >= k && mk < end)) && model[mk] != nil {
						history[rev] = append(history[rev], modelEvent{typ: mvccpb.Event_DELETE, key: mk, mod: rev})
						delete(model, mk)
					}
				}
				continue
			}
			v := fmt.Sprintf("v%d.%d", i, j)
			tw.Put([]byte(k), []byte(v), 0)
			st := model[k]
			if st == nil {
				st = &kstate{create: rev}
				model[k] = st
			}
			st.value, st.mod = v, rev
			st.version++
			history[rev] = append(history[rev], modelEvent{typ: mvccpb.Event_PUT, key: k, value: v, create: st.create, mod: rev, version: st.version})
		}
		tw.End()
	}
	final := s.Rev()
	close(stop)
	t.Logf("%d watchers, %d revisions, %d times a watcher was parked as victim", len(watchers), final, s.victimsTotal.Load())

	// Wait until every watcher is caught up: a progress response at the final
	// revision is sent only to a synced watcher, after all its events.
	for _, w := range watchers {
		deadline := time.Now().Add(60 * time.Second)
		for {
			w.stream.RequestProgress(w.id)
			w.mu.Lock()
			done := false
			for _, r := range w.resps {
				if len(r.Events) == 0 && r.CompactRevision == 0 && r.Revision == final {
					done = true
				}
			}
			w.mu.Unlock()
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("watcher %d never caught up", w.id)
			}
			time.Sleep(time.Millisecond)
		}
		w.stream.Close()
	}
	consumers.Wait()

	for wi, w := range watchers {
		var want []modelEvent
		for rev := w.start; rev <= final; rev++ {
			for _, e := range history[rev] {
				if w.matches(e) {
					want = append(want, e)
				}
			}
		}
		var got []modelEvent
		for _, r := range w.resps {
			if r.WatchID != w.id {
				t.Fatalf("watcher %d: response for id %d", wi, r.WatchID)
			}
			// Atomic revisions: a revision in a response carries all its
			// matching events.
			revs := map[int64]int{}
			for _, e := range r.Events {
				revs[e.Kv.ModRevision]++
				if e.Kv.ModRevision > r.Revision {
					t.Fatalf("watcher %d: event at %d in response at %d", wi, e.Kv.ModRevision, r.Revision)
				}
				got = append(got, toModel(e))
			}
			for rev, n := range revs {
				m := 0
				for _, e := range history[rev] {
					if w.matches(e) {
						m++
					}
				}
				if n != m {
					t.Fatalf("watcher %d: revision %d split: %d of %d events in one response", wi, rev, n, m)
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("watcher %d (%q-%q from %d): got %d events, want %d", wi, w.key, w.end, w.start, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("watcher %d: event %d: got %v, want %v", wi, i, got[i], want[i])
			}
		}
	}
}
