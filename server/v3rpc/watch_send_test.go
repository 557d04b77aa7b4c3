package v3rpc

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// fakeBackend is a member of cluster 10, ID 20, at term 30.
type fakeBackend struct{}

func (fakeBackend) ClusterID() uint64               { return 10 }
func (fakeBackend) ID() uint64                      { return 20 }
func (fakeBackend) Term() uint64                    { return 30 }
func (fakeBackend) Watchable() *mvcc.WatchableStore { return nil }

// fakeMVCCStream is an mvcc watch stream whose responses the test writes.
type fakeMVCCStream struct {
	mvcc.WatchStream
	ch        chan mvcc.WatchResponse
	cancelled []mvcc.WatchID
}

func (f *fakeMVCCStream) Chan() <-chan mvcc.WatchResponse { return f.ch }
func (f *fakeMVCCStream) Cancel(id mvcc.WatchID) error {
	f.cancelled = append(f.cancelled, id)
	return nil
}

// fakeGRPCStream records what is sent, or only counts it.
type fakeGRPCStream struct {
	pb.Watch_WatchServer
	sent  []string
	count bool
	n     int
}

func (f *fakeGRPCStream) Send(r *pb.WatchResponse) error {
	f.n++
	if f.count {
		return nil
	}
	h := r.Header
	if h.ClusterId != 10 || h.MemberId != 20 || h.RaftTerm != 30 {
		return fmt.Errorf("header %v", h)
	}
	var s string
	switch {
	case r.Created:
		s = fmt.Sprintf("created%d", r.WatchId)
	case r.Canceled && r.CompactRevision != 0:
		s = fmt.Sprintf("compacted%d@%d", r.WatchId, r.CompactRevision)
	case r.Canceled:
		s = fmt.Sprintf("cancelled%d", r.WatchId)
	case r.WatchId == -1:
		s = fmt.Sprintf("P@%d", h.Revision)
	default:
		var revs []string
		for _, e := range r.Events {
			revs = append(revs, fmt.Sprint(e.Kv.ModRevision))
		}
		s = fmt.Sprintf("%d:%s@%d", r.WatchId, strings.Join(revs, ","), h.Revision)
	}
	f.sent = append(f.sent, s)
	return nil
}

// newTestSender is the send loop of a stream with watchers of the given
// IDs, none announced yet.
func newTestSender(ids ...mvcc.WatchID) (*sender, *fakeMVCCStream, *fakeGRPCStream) {
	ms := &fakeMVCCStream{ch: make(chan mvcc.WatchResponse, maxTake)}
	gs := &fakeGRPCStream{}
	w := &watchStream{
		srv:  &watchServer{s: fakeBackend{}, lg: zap.NewNop(), maxBytes: 1 << 20},
		grpc: gs, ms: ms, opts: map[mvcc.WatchID]*watchOpts{},
	}
	for _, id := range ids {
		w.opts[id] = &watchOpts{}
	}
	return &sender{w: w, announced: map[mvcc.WatchID]*watchOpts{}, pending: map[mvcc.WatchID][]*pb.WatchResponse{}}, ms, gs
}

// TestSender drives a send loop with batches of mvcc responses ("batch")
// and control responses ("created N", "cancelled N") and checks what goes
// out, in order.
func TestSender(t *testing.T) {
	created := func(id int64) *pb.WatchResponse {
		return &pb.WatchResponse{Header: &pb.ResponseHeader{ClusterId: 10, MemberId: 20, RaftTerm: 30}, WatchId: id, Created: true}
	}
	cancelled := func(id int64) *pb.WatchResponse {
		return &pb.WatchResponse{Header: &pb.ResponseHeader{ClusterId: 10, MemberId: 20, RaftTerm: 30}, WatchId: id, Canceled: true}
	}
	progress := mvcc.WatchResponse{WatchID: mvcc.InvalidWatchID, Revision: 9}
	type step struct {
		ctrl  *pb.WatchResponse
		batch []mvcc.WatchResponse
		// cancel removes a watcher's options, as the receive loop does
		// before it queues the cancellation.
		cancel mvcc.WatchID
	}
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"announced watchers, merged per watcher", []step{
			{ctrl: created(1)}, {ctrl: created(2)},
			{batch: []mvcc.WatchResponse{resp(1, 5), resp(2, 5), resp(1, 6), resp(2, 6)}},
		}, "created1 created2 1:5,6@6 2:5,6@6"},
		{"events wait for their watcher's creation", []step{
			{ctrl: created(1)},
			{batch: []mvcc.WatchResponse{resp(2, 5), resp(1, 5)}},
			{ctrl: created(2)},
		}, "created1 1:5@5 created2 2:5@5"},
		{"stream progress waits behind held events", []step{
			{ctrl: created(1)},
			{batch: []mvcc.WatchResponse{resp(2, 5), progress, resp(1, 10)}},
			{ctrl: created(2)},
		}, "created1 1:10@10 created2 2:5@5 P@9"},
		{"a cancelled watcher's held events are dropped", []step{
			{batch: []mvcc.WatchResponse{resp(2, 5), progress}},
			{ctrl: cancelled(2)},
		}, "cancelled2 P@9"},
		{"a cancelled watcher's late events do not hold progress", []step{
			{ctrl: created(1)}, {ctrl: created(2)},
			{cancel: 2}, {ctrl: cancelled(2)},
			{batch: []mvcc.WatchResponse{resp(2, 5)}},
			{batch: []mvcc.WatchResponse{progress}},
			{ctrl: created(3)},
		}, "created1 created2 cancelled2 P@9 created3"},
		{"compaction", []step{
			{ctrl: created(1)},
			{batch: []mvcc.WatchResponse{{WatchID: 1, CompactRevision: 7, Revision: 8}}},
		}, "created1 compacted1@7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, gs := newTestSender(1, 2, 3)
			for _, st := range tt.steps {
				if st.cancel != 0 {
					delete(s.w.opts, st.cancel)
					continue
				}
				if st.ctrl != nil {
					if !s.control(st.ctrl) {
						t.Fatal("control ended the stream")
					}
					continue
				}
				for _, mr := range st.batch[1:] {
					s.w.ms.(*fakeMVCCStream).ch <- mr
				}
				if !s.responses(st.batch[0]) {
					t.Fatal("responses ended the stream")
				}
			}
			if got := strings.Join(gs.sent, " "); got != tt.want {
				t.Fatalf("sent %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestSenderBookkeeping checks the effects of sending beyond the stream:
// a compacted watcher is cancelled in mvcc and forgotten, and a watcher
// that got events skips the next progress tick.
func TestSenderBookkeeping(t *testing.T) {
	s, ms, _ := newTestSender(1, 2)
	s.w.opts[1].progress = true
	s.w.opts[2].progress = true
	for _, id := range []int64{1, 2} {
		s.control(&pb.WatchResponse{Header: &pb.ResponseHeader{ClusterId: 10, MemberId: 20, RaftTerm: 30}, WatchId: id, Created: true})
	}
	ms.ch <- mvcc.WatchResponse{WatchID: 2, CompactRevision: 3, Revision: 4}
	s.responses(resp(1, 5))
	if fmt.Sprint(ms.cancelled) != "[2]" {
		t.Fatalf("cancelled in mvcc: %v", ms.cancelled)
	}
	if _, ok := s.w.opts[2]; ok {
		t.Fatal("compacted watcher still has options")
	}
	if !s.w.opts[1].sentSinceTick.Load() {
		t.Fatal("watcher 1 got events but is not marked")
	}
}

// TestSenderHoldsBusyStream checks that a stream that has just sent a busy
// batch holds the next one for the rest of holdInterval, so that each
// watcher gets the revisions written meanwhile in one message, and that a
// stream that is not busy sends at once.
func TestSenderHoldsBusyStream(t *testing.T) {
	ids := make([]mvcc.WatchID, busyResponses)
	for i := range ids {
		ids[i] = mvcc.WatchID(i + 1)
	}
	s, ms, gs := newTestSender(ids...)
	for _, id := range ids {
		s.control(&pb.WatchResponse{Header: &pb.ResponseHeader{ClusterId: 10, MemberId: 20, RaftTerm: 30}, WatchId: int64(id), Created: true})
	}
	var held []time.Duration
	release := make(chan time.Time)
	s.holdDone = func(d time.Duration) <-chan time.Time {
		held = append(held, d)
		return release
	}
	// write queues one revision's responses as the store does, and
	// returns the first, which the send loop has just received.
	write := func(rev int64, ids []mvcc.WatchID) mvcc.WatchResponse {
		for _, id := range ids[1:] {
			ms.ch <- resp(id, rev)
		}
		return resp(ids[0], rev)
	}
	expect := func(step, revs string, rev int64, ids []mvcc.WatchID) {
		t.Helper()
		var want []string
		for _, id := range ids {
			want = append(want, fmt.Sprintf("%d:%s@%d", id, revs, rev))
		}
		if got := strings.Join(gs.sent, " "); got != strings.Join(want, " ") {
			t.Fatalf("%s: sent %s\nwant %s", step, got, strings.Join(want, " "))
		}
		gs.sent = nil
	}

	gs.sent = nil
	s.responses(write(5, ids[:1]))
	expect("one response", "5", 5, ids[:1])
	s.responses(write(6, ids))
	expect("first busy batch", "6", 6, ids)
	if len(held) != 0 {
		t.Fatalf("a stream that was not busy held its batch for %v", held)
	}

	// Revision 8 is written while revision 7 is held.
	go func() {
		for len(ms.ch) > 0 {
			runtime.Gosched()
		}
		for _, id := range ids {
			ms.ch <- resp(id, 8)
		}
		close(release)
	}()
	s.responses(write(7, ids))
	if len(held) != 1 || held[0] <= 0 || held[0] > holdInterval {
		t.Fatalf("held %v, want once for at most %v", held, holdInterval)
	}
	expect("held batch", "7,8", 8, ids)

	// Once the stream has been quiet for holdInterval, it sends at once.
	s.lastSend = time.Now().Add(-holdInterval)
	s.responses(write(9, ids))
	expect("after a quiet interval", "9", 9, ids)
	if len(held) != 1 {
		t.Fatalf("held again after a quiet interval: %v", held)
	}

	// A hold that merges nothing makes the stream send the next busy
	// batch at once, then two, then four... before it holds again.
	var got []bool
	for rev := int64(10); rev < 17; rev++ {
		n := len(held)
		s.lastSend = time.Now()
		s.responses(write(rev, ids))
		expect("useless holds", fmt.Sprint(rev), rev, ids)
		got = append(got, len(held) > n)
	}
	if want := []bool{true, false, true, false, false, true, false}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("held batches %v, want %v", got, want)
	}
}

func TestHoldFor(t *testing.T) {
	ch := make(chan mvcc.WatchResponse, 4)
	done := make(chan time.Time)
	ch <- resp(1, 2)
	close(done)
	ch <- resp(1, 3)
	got, open := holdFor([]mvcc.WatchResponse{resp(1, 1)}, ch, done, nil)
	if !open || show(got) != "1:1@1 1:2@2 1:3@3" {
		t.Fatalf("fired timer: got %s, open %v; want all three and open", show(got), open)
	}
	close(ch)
	if got, open := holdFor(nil, ch, nil, nil); open || len(got) != 0 {
		t.Fatalf("closed channel: got %s, open %v", show(got), open)
	}
	closec := make(chan struct{})
	close(closec)
	if got, open := holdFor(nil, make(chan mvcc.WatchResponse), nil, closec); !open || len(got) != 0 {
		t.Fatalf("closed stream: got %s, open %v", show(got), open)
	}
}
