package mvcc

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// recv waits for the next response; the long bound only turns a hang into a
// failure, it is not a timing assertion.
func recv(t *testing.T, ws WatchStream) WatchResponse {
	t.Helper()
	select {
	case r := <-ws.Chan():
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no watch response")
	}
	return WatchResponse{}
}

func TestWatchBasics(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	s.Put([]byte("a"), []byte("1"), 0) // 2
	s.Put([]byte("b"), []byte("1"), 0) // 3
	s.Put([]byte("a"), []byte("2"), 0) // 4
	s.DeleteRange([]byte("a"), nil)    // 5

	ws := s.NewWatchStream()
	defer ws.Close()

	// History replay from the backend.
	id, err := ws.Watch(AutoWatchID, []byte("a"), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := recv(t, ws)
	if r.WatchID != id || len(r.Events) != 3 || r.Revision != 5 {
		t.Fatalf("%+v", r)
	}
	if e := r.Events[2]; e.Type != mvccpb.Event_DELETE || e.Kv.ModRevision != 5 {
		t.Fatalf("%v", e)
	}
	// Duplicate IDs and empty ranges are refused.
	if _, err := ws.Watch(100, []byte("x"), nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Watch(100, []byte("x"), nil, 0); !errors.Is(err, ErrWatcherDuplicateID) {
		t.Fatal(err)
	}
	if _, err := ws.Watch(AutoWatchID, []byte("b"), []byte("a"), 0); !errors.Is(err, ErrEmptyWatcherRange) {
		t.Fatal(err)
	}

	// A range watcher with a no-put filter from now on.
	rid, _ := ws.Watch(AutoWatchID, []byte("a"), []byte("c"), 0, FilterNoPut)
	tw := s.Write(ctx)
	tw.Put([]byte("a"), []byte("3"), 0)
	tw.Put([]byte("b"), []byte("3"), 0)
	tw.DeleteRange([]byte("b"), nil)
	tw.End() // 6
	var gotSingle, gotRange bool
	for !(gotSingle && gotRange) {
		r := recv(t, ws)
		switch r.WatchID {
		case id:
			gotSingle = true
			if len(r.Events) != 1 || string(r.Events[0].Kv.Value) != "3" || r.Revision != 6 {
				t.Fatalf("single: %+v", r)
			}
		case rid:
			gotRange = true
			if len(r.Events) != 1 || r.Events[0].Type != mvccpb.Event_DELETE || string(r.Events[0].Kv.Key) != "b" {
				t.Fatalf("range: %+v", r)
			}
		}
	}

	// Progress: a synced watcher gets the current revision.
	ws.RequestProgress(id)
	if r := recv(t, ws); r.WatchID != id || len(r.Events) != 0 || r.Revision != 6 {
		t.Fatalf("progress %+v", r)
	}
	if !ws.RequestProgressAll() {
		t.Fatal("progress all refused with every watcher synced")
	}
	if r := recv(t, ws); r.WatchID != InvalidWatchID || r.Revision != 6 {
		t.Fatalf("progress all %+v", r)
	}

	// Cancel.
	if err := ws.Cancel(id); err != nil {
		t.Fatal(err)
	}
	if err := ws.Cancel(id); !errors.Is(err, ErrWatcherNotExist) {
		t.Fatal(err)
	}
	s.Put([]byte("a"), []byte("4"), 0)
	s.Put([]byte("b"), []byte("4"), 0)
	ws.RequestProgress(rid)
	if r := recv(t, ws); r.WatchID != rid || len(r.Events) != 0 {
		t.Fatalf("cancelled watcher still notified: %+v", r)
	}
}

// TestWatchCompacted: a watcher whose start revision is compacted is
// cancelled with CompactRevision.
func TestWatchCompacted(t *testing.T) {
	s, _, _ := newTestStore(t)
	for i := 0; i < 10; i++ {
		s.Put([]byte("k"), []byte{byte(i)}, 0)
	}
	ch, err := s.Compact(context.Background(), 8)
	if err != nil {
		t.Fatal(err)
	}
	<-ch
	ws := s.NewWatchStream()
	defer ws.Close()
	id, _ := ws.Watch(AutoWatchID, []byte("k"), nil, 3)
	r := recv(t, ws)
	if r.WatchID != id || r.CompactRevision != 8 || len(r.Events) != 0 {
		t.Fatalf("%+v", r)
	}
	// At the compaction revision itself the history is still there.
	id2, _ := ws.Watch(AutoWatchID, []byte("k"), nil, 8)
	r = recv(t, ws)
	if r.WatchID != id2 || r.CompactRevision != 0 || len(r.Events) != 4 || r.Events[0].Kv.ModRevision != 8 {
		t.Fatalf("%+v", r)
	}
}

// TestWatchLargeHistoryBatches: catching up a long history sends whole
// revisions in bounded batches, in order.
func TestWatchLargeHistoryBatches(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	for i := 0; i < 4000; i++ {
		tw := s.Write(ctx)
		for j := 0; j < 3; j++ {
			tw.Put([]byte{'k', byte('a' + j)}, []byte{byte(i)}, 0)
		}
		tw.End()
	}
	ws := s.NewWatchStream()
	defer ws.Close()
	ws.Watch(AutoWatchID, []byte("k"), []byte("l"), 1)
	next := int64(2)
	responses := 0
	for next <= s.Rev() {
		r := recv(t, ws)
		responses++
		if len(r.Events) > syncEventsLimit {
			t.Fatalf("response of %d events", len(r.Events))
		}
		if len(r.Events)%3 != 0 {
			t.Fatalf("revision split: %d events", len(r.Events))
		}
		for i, e := range r.Events {
			if want := next + int64(i/3); e.Kv.ModRevision != want {
				t.Fatalf("event %d at %d, want %d", i, e.Kv.ModRevision, want)
			}
		}
		next += int64(len(r.Events) / 3)
	}
	if responses < 2 {
		t.Fatalf("12000 events in %d response(s)", responses)
	}
}
