package v3rpc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// ev is a put event at rev.
func ev(rev int64) *mvccpb.Event {
	return &mvccpb.Event{Type: mvccpb.Event_PUT, Kv: &mvccpb.KeyValue{Key: []byte("k"), ModRevision: rev}}
}

// resp is a response of watcher id with one event per rev.
func resp(id mvcc.WatchID, revs ...int64) mvcc.WatchResponse {
	r := mvcc.WatchResponse{WatchID: id}
	for _, rev := range revs {
		r.Events = append(r.Events, ev(rev))
		r.Revision = rev
	}
	return r
}

// show renders responses as "id:rev,rev" items; progress as "P@rev",
// compaction as "C<id>@rev".
func show(rs []mvcc.WatchResponse) string {
	var parts []string
	for _, r := range rs {
		switch {
		case r.WatchID == mvcc.InvalidWatchID:
			parts = append(parts, fmt.Sprintf("P@%d", r.Revision))
		case r.CompactRevision != 0:
			parts = append(parts, fmt.Sprintf("C%d@%d", r.WatchID, r.CompactRevision))
		default:
			var revs []string
			for _, e := range r.Events {
				revs = append(revs, fmt.Sprint(e.Kv.ModRevision))
			}
			parts = append(parts, fmt.Sprintf("%d:%s@%d", r.WatchID, strings.Join(revs, ","), r.Revision))
		}
	}
	return strings.Join(parts, " ")
}

func TestCoalesce(t *testing.T) {
	progress := func(rev int64) mvcc.WatchResponse {
		return mvcc.WatchResponse{WatchID: mvcc.InvalidWatchID, Revision: rev}
	}
	compacted := func(id mvcc.WatchID, rev int64) mvcc.WatchResponse {
		return mvcc.WatchResponse{WatchID: id, CompactRevision: rev, Revision: rev}
	}
	tests := []struct {
		name     string
		in       []mvcc.WatchResponse
		maxBytes int
		want     string
	}{
		{"one", []mvcc.WatchResponse{resp(1, 5)}, 1 << 20, "1:5@5"},
		{"fan-out of two puts", []mvcc.WatchResponse{resp(1, 5), resp(2, 5), resp(1, 6), resp(2, 6)}, 1 << 20, "1:5,6@6 2:5,6@6"},
		{"progress is a barrier", []mvcc.WatchResponse{resp(1, 5), progress(5), resp(1, 6), resp(1, 7)}, 1 << 20, "1:5@5 P@5 1:6,7@7"},
		{"compaction is a barrier", []mvcc.WatchResponse{resp(1, 5), compacted(2, 9), resp(1, 6)}, 1 << 20, "1:5@5 C2@9 1:6@6"},
		{"empty response is a barrier", []mvcc.WatchResponse{resp(1, 5), {WatchID: 1, Revision: 5}, resp(1, 6)}, 1 << 20, "1:5@5 1:@5 1:6@6"},
		{"multi-event responses", []mvcc.WatchResponse{resp(1, 5, 6), resp(1, 7, 8)}, 1 << 20, "1:5,6,7,8@8"},
		{"size limit starts a new response", []mvcc.WatchResponse{resp(1, 5), resp(1, 6), resp(1, 7)}, 2 * ev(5).SizeVT(), "1:5,6@6 1:7@7"},
	}
	// One coalescer for every case, as a send loop keeps one: nothing of a
	// batch may leak into the next.
	var c coalescer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(c.coalesce(tt.in, tt.maxBytes)); got != tt.want {
				t.Errorf("coalesce = %s, want %s", got, tt.want)
			}
		})
	}
	// The same with IDs beyond those found by index.
	for _, tt := range tests {
		t.Run(tt.name+"/sparse", func(t *testing.T) {
			in := make([]mvcc.WatchResponse, len(tt.in))
			for i, r := range tt.in {
				in[i] = r
				if r.WatchID != mvcc.InvalidWatchID {
					in[i].WatchID += denseIDs
				}
			}
			want := strings.NewReplacer("1:", fmt.Sprintf("%d:", 1+denseIDs), "2:", fmt.Sprintf("%d:", 2+denseIDs), "C2@", fmt.Sprintf("C%d@", 2+denseIDs)).Replace(tt.want)
			if got := show(c.coalesce(in, tt.maxBytes)); got != want {
				t.Errorf("coalesce = %s, want %s", got, want)
			}
		})
	}
}

// TestCoalesceReuse checks that a watcher open at the end of a batch is not
// merged into from the next one.
func TestCoalesceReuse(t *testing.T) {
	var c coalescer
	if got := show(c.coalesce([]mvcc.WatchResponse{resp(1, 5), resp(2, 5)}, 1<<20)); got != "1:5@5 2:5@5" {
		t.Fatalf("first batch = %s", got)
	}
	if got := show(c.coalesce([]mvcc.WatchResponse{resp(3, 6), resp(1, 6)}, 1<<20)); got != "3:6@6 1:6@6" {
		t.Fatalf("second batch = %s", got)
	}
}

// TestCoalesceKeepsSharedEvents checks that merging never writes into an
// events slice the watchable store shares between watchers.
func TestCoalesceKeepsSharedEvents(t *testing.T) {
	shared := make([]*mvccpb.Event, 1, 4)
	shared[0] = ev(5)
	a := mvcc.WatchResponse{WatchID: 1, Events: shared, Revision: 5}
	b := mvcc.WatchResponse{WatchID: 2, Events: shared, Revision: 5}
	var c coalescer
	out := c.coalesce([]mvcc.WatchResponse{a, resp(1, 6), b}, 1<<20)
	if got := show(out); got != "1:5,6@6 2:5@5" {
		t.Fatalf("coalesce = %s", got)
	}
	if got := shared[:cap(shared)][1]; got != nil {
		t.Fatalf("shared slice written: %v", got)
	}
}

func BenchmarkCoalesce(b *testing.B) {
	// 100 watchers of one stream, 4 puts waiting.
	var in []mvcc.WatchResponse
	for rev := int64(1); rev <= 4; rev++ {
		evs := []*mvccpb.Event{ev(rev)}
		for id := mvcc.WatchID(1); id <= 100; id++ {
			in = append(in, mvcc.WatchResponse{WatchID: id, Events: evs, Revision: rev})
		}
	}
	var c coalescer
	b.ReportAllocs()
	for b.Loop() {
		clear(c.coalesce(in, coalesceBytes))
	}
}
