package v3rpc

import (
	"context"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// sender is the state of a stream's send loop, the only writer of the
// gRPC stream. Responses of a watcher whose creation has not been
// announced yet wait until it is, and a stream-wide progress response
// waits behind them, so the client never sees an event below a progress
// revision it was given.
type sender struct {
	w *watchStream
	// announced holds each watcher whose creation went out, with its
	// options (nil: none left), read without the stream's lock: they do
	// not change after the creation but for sentSinceTick.
	announced map[mvcc.WatchID]*watchOpts
	// pending holds the responses of watchers not announced yet.
	pending map[mvcc.WatchID][]*pb.WatchResponse
	// heldProgress is a stream-wide progress response waiting for pending
	// ones to go out first.
	heldProgress *pb.WatchResponse

	batch []mvcc.WatchResponse
	co    coalescer

	// lastSend is when the last batch went out and lastTaken how many
	// mvcc responses it took: a stream that sent a busy batch within
	// holdInterval holds the next one (see hold).
	lastSend  time.Time
	lastTaken int
	holdTimer *time.Timer
	// holdDone, if set, replaces the hold timer (tests).
	holdDone func(time.Duration) <-chan time.Time
	// A hold that merged nothing (the writer waits for its events before
	// it writes again, say) only added latency: the stream then sends
	// skipHolds busy batches at once before it tries again, twice as many
	// after each useless hold, up to maxSkipHolds.
	skipHolds, nextSkip int
}

const (
	// holdInterval is the shortest time between two busy batches of a
	// stream, and so the most a held response waits.
	holdInterval = 10 * time.Millisecond
	// busyResponses is the size of a batch that makes a stream busy.
	busyResponses = 64
	// maxHeld bounds the responses a held batch takes.
	maxHeld = 4096
	// maxSkipHolds bounds the busy batches sent at once after useless
	// holds.
	maxSkipHolds = 256
)

// watchResp is a response and its header in one allocation.
type watchResp struct {
	resp pb.WatchResponse
	hdr  pb.ResponseHeader
}

// headerFields are the parts of a header that do not depend on the
// response.
type headerFields struct{ clusterID, memberID, term uint64 }

func (w *watchStream) sendLoop() {
	s := &sender{
		w:         w,
		announced: map[mvcc.WatchID]*watchOpts{},
		pending:   map[mvcc.WatchID][]*pb.WatchResponse{},
	}
	progress := time.NewTicker(w.srv.progressInterval())
	defer progress.Stop()
	retry := time.NewTicker(progressRetryInterval)
	defer retry.Stop()
	defer func() {
		// Drain so that the mvcc stream can be closed.
		for range w.ms.Chan() {
		}
	}()
	for {
		select {
		case mr, ok := <-w.ms.Chan():
			if !ok || !s.responses(mr) {
				return
			}
		case c, ok := <-w.ctrlc:
			if !ok || !s.control(c) {
				return
			}
		case <-progress.C:
			w.tickProgress()
		case <-retry.C:
			w.retryProgressAll()
		case <-w.closec:
			return
		}
	}
}

// responses sends or holds mr and the responses waiting behind it, merged
// per watcher; false ends the stream.
func (s *sender) responses(mr mvcc.WatchResponse) bool {
	batch := append(s.batch[:0], mr)
	var open, held bool
	now := time.Now()
	switch {
	case s.lastTaken < busyResponses || now.Sub(s.lastSend) >= holdInterval:
		batch, open = takeWaiting(batch, s.w.ms.Chan())
	case s.skipHolds > 0:
		s.skipHolds--
		batch, open = takeWaiting(batch, s.w.ms.Chan())
	default:
		held = true
		batch, open = s.hold(batch, s.lastSend.Add(holdInterval).Sub(now))
	}
	s.batch = batch
	s.lastTaken = len(batch)
	out := s.co.coalesce(batch, coalesceBytes)
	if held {
		if len(out) < len(batch) {
			s.nextSkip = 0
		} else {
			s.nextSkip = min(max(1, 2*s.nextSkip), maxSkipHolds)
			s.skipHolds = s.nextSkip
		}
	}
	// The responses of a batch are one allocation; they are not reused,
	// as gRPC may hold a message after sending it.
	rs := make([]watchResp, len(out))
	h := s.w.headerFields()
	ok := true
	for i := range out {
		if ok = s.handle(&out[i], &rs[i], h); !ok {
			break
		}
	}
	s.lastSend = time.Now()
	clear(out)
	clear(batch)
	return ok && open
}

// hold takes responses into batch for d, so that a busy stream — many
// watchers, a steady flow of revisions — sends each watcher the events of
// several revisions in one message rather than one message a revision:
// fewer messages for the server to send and for the client to read, for
// at most holdInterval of latency. It reports false when the channel is
// closed.
func (s *sender) hold(batch []mvcc.WatchResponse, d time.Duration) ([]mvcc.WatchResponse, bool) {
	if s.holdDone != nil {
		return holdFor(batch, s.w.ms.Chan(), s.holdDone(d), s.w.closec)
	}
	if s.holdTimer == nil {
		s.holdTimer = time.NewTimer(d)
	} else {
		s.holdTimer.Reset(d)
	}
	defer s.holdTimer.Stop()
	return holdFor(batch, s.w.ms.Chan(), s.holdTimer.C, s.w.closec)
}

// holdFor appends to batch what ch delivers until done fires (then it
// takes what is already waiting), closec closes or the batch has maxHeld
// responses. It reports false when ch is closed.
func holdFor(batch []mvcc.WatchResponse, ch <-chan mvcc.WatchResponse, done <-chan time.Time, closec <-chan struct{}) ([]mvcc.WatchResponse, bool) {
	for len(batch) < maxHeld {
		select {
		case mr, ok := <-ch:
			if !ok {
				return batch, false
			}
			batch = append(batch, mr)
		case <-done:
			return takeWaiting(batch, ch)
		case <-closec:
			return batch, true
		}
	}
	return batch, true
}

// handle sends or holds one mvcc response, built in r; false ends the
// stream.
func (s *sender) handle(mr *mvcc.WatchResponse, r *watchResp, h headerFields) bool {
	w := s.w
	if mr.WatchID == mvcc.InvalidWatchID {
		resp := s.fill(r, mr, h, nil)
		if len(s.pending) > 0 {
			s.heldProgress = resp
			return true
		}
		return w.send(resp, false)
	}
	if mr.CompactRevision != 0 {
		// The mvcc watcher is cancelled; drop it from the stream so that
		// stream-wide progress is not held up by it.
		_ = w.ms.Cancel(mr.WatchID)
	}
	o, announced := s.announced[mr.WatchID]
	if !announced {
		if o = w.optsOf(mr.WatchID); o == nil {
			// The watcher is gone: cancelled (its options go before its
			// cancellation is queued) and read here after it, as the loop
			// picks among ready channels at random. Held, its response
			// would never go out and would hold stream progress forever.
			return true
		}
		s.pending[mr.WatchID] = append(s.pending[mr.WatchID], s.fill(r, mr, h, o))
		return true
	}
	if !w.send(s.fill(r, mr, h, o), o != nil && o.fragment) {
		return false
	}
	if o != nil && len(mr.Events) > 0 {
		// Events went out: the next progress tick skips the watcher.
		o.sentSinceTick.Store(true)
	}
	if mr.CompactRevision != 0 {
		w.forget(mr.WatchID)
	}
	return true
}

// control sends a created or cancelled response and then what it
// releases; false ends the stream.
func (s *sender) control(c *pb.WatchResponse) bool {
	w := s.w
	if !w.send(c, false) {
		return false
	}
	id := mvcc.WatchID(c.WatchId)
	if c.Canceled && id != mvcc.InvalidWatchID {
		delete(s.announced, id)
		delete(s.pending, id)
	} else if c.Created && id != mvcc.InvalidWatchID {
		o := w.optsOf(id)
		s.announced[id] = o
		for _, r := range s.pending[id] {
			if !w.send(r, o != nil && o.fragment) {
				return false
			}
		}
		delete(s.pending, id)
	}
	if s.heldProgress != nil && len(s.pending) == 0 {
		if !w.send(s.heldProgress, false) {
			return false
		}
		s.heldProgress = nil
	}
	return true
}

// fill builds the response to mr in r, reading previous values when the
// watcher asked for them (o nil: no options).
func (s *sender) fill(r *watchResp, mr *mvcc.WatchResponse, h headerFields, o *watchOpts) *pb.WatchResponse {
	r.hdr.ClusterId, r.hdr.MemberId, r.hdr.RaftTerm, r.hdr.Revision = h.clusterID, h.memberID, h.term, mr.Revision
	resp := &r.resp
	resp.Header = &r.hdr
	resp.WatchId = int64(mr.WatchID)
	resp.Events = mr.Events
	resp.CompactRevision = mr.CompactRevision
	resp.Canceled = mr.CompactRevision != 0
	if o != nil && o.prevKV && len(mr.Events) > 0 {
		resp.Events = withPrevKV(s.w.srv.s.Watchable(), mr.Events)
	}
	return resp
}

// withPrevKV returns copies of evs with the previous value of each key
// (none for a key's creation).
func withPrevKV(kv *mvcc.WatchableStore, evs []*mvccpb.Event) []*mvccpb.Event {
	out := make([]*mvccpb.Event, len(evs))
	for i, e := range evs {
		ev := &mvccpb.Event{Type: e.Type, Kv: e.Kv}
		if !(e.Type == mvccpb.Event_PUT && e.Kv.CreateRevision == e.Kv.ModRevision) {
			rr, err := kv.Range(context.Background(), e.Kv.Key, nil, mvcc.RangeOptions{Rev: e.Kv.ModRevision - 1})
			if err == nil && len(rr.KVs) > 0 {
				ev.PrevKv = rr.KVs[0]
			}
		}
		out[i] = ev
	}
	return out
}

// optsOf returns the options of watcher id (nil: none).
func (w *watchStream) optsOf(id mvcc.WatchID) *watchOpts {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.opts[id]
}

func (w *watchStream) forget(id mvcc.WatchID) {
	w.mu.Lock()
	delete(w.opts, id)
	w.mu.Unlock()
}

func (w *watchStream) send(r *pb.WatchResponse, fragment bool) bool {
	var err error
	if fragment {
		err = sendFragments(r, w.srv.maxBytes, w.grpc.Send)
	} else {
		err = w.grpc.Send(r)
	}
	if err != nil {
		w.srv.lg.Debug("failed to send watch response to gRPC stream", zap.Error(err))
		return false
	}
	return true
}

// sendFragments splits a response too large for the client's limit into
// several, each with Fragment set but the last; a response of one event is
// never split.
func sendFragments(r *pb.WatchResponse, maxBytes uint, send func(*pb.WatchResponse) error) error {
	if uint(r.SizeVT()) < maxBytes || len(r.Events) < 2 {
		return send(r)
	}
	evs := r.Events
	for len(evs) > 0 {
		cur := &pb.WatchResponse{
			Header: r.Header, WatchId: r.WatchId, Created: r.Created, Canceled: r.Canceled,
			CompactRevision: r.CompactRevision, CancelReason: r.CancelReason, Fragment: true,
		}
		n := 0
		for n < len(evs) {
			cur.Events = evs[:n+1]
			if n > 0 && uint(cur.SizeVT()) >= maxBytes {
				break
			}
			n++
		}
		cur.Events = evs[:n]
		evs = evs[n:]
		cur.Fragment = len(evs) > 0
		if err := send(cur); err != nil {
			return err
		}
	}
	return nil
}
