package v3rpc

import (
	"context"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// sendLoop is the only writer of the gRPC stream. Responses of a watcher
// whose creation has not been announced yet wait until it is, and a
// stream-wide progress response waits behind them, so the client never
// sees an event below a progress revision it was given.
func (w *watchStream) sendLoop() {
	announced := map[mvcc.WatchID]bool{}
	pending := map[mvcc.WatchID][]*pb.WatchResponse{}
	var heldProgress *pb.WatchResponse

	progress := time.NewTicker(w.srv.progressInterval())
	defer progress.Stop()
	retry := time.NewTicker(progressRetryInterval)
	defer retry.Stop()
	defer func() {
		// Drain so that the mvcc stream can be closed.
		for range w.ms.Chan() {
		}
	}()

	// handle sends or holds one mvcc response; false ends the stream.
	handle := func(mr mvcc.WatchResponse) bool {
		resp := w.toResponse(mr)
		if mr.WatchID == mvcc.InvalidWatchID {
			if len(pending) > 0 {
				heldProgress = resp
				return true
			}
			return w.send(resp, false)
		}
		if mr.CompactRevision != 0 {
			// The mvcc watcher is cancelled; drop it from the stream
			// so that stream-wide progress is not held up by it.
			_ = w.ms.Cancel(mr.WatchID)
		}
		if !announced[mr.WatchID] {
			pending[mr.WatchID] = append(pending[mr.WatchID], resp)
			return true
		}
		if !w.send(resp, w.fragmented(mr.WatchID)) {
			return false
		}
		w.sent(mr)
		if mr.CompactRevision != 0 {
			w.forget(mr.WatchID)
		}
		return true
	}
	var batch []mvcc.WatchResponse
	for {
		select {
		case mr, ok := <-w.ms.Chan():
			if !ok {
				return
			}
			batch, ok = takeWaiting(append(batch[:0], mr), w.ms.Chan())
			for _, mr := range coalesce(batch, coalesceBytes) {
				if !handle(mr) {
					return
				}
			}
			clear(batch)
			if !ok {
				return
			}
		case c, ok := <-w.ctrlc:
			if !ok {
				return
			}
			if !w.send(c, false) {
				return
			}
			id := mvcc.WatchID(c.WatchId)
			if c.Canceled && id != mvcc.InvalidWatchID {
				delete(announced, id)
				delete(pending, id)
			} else if c.Created && id != mvcc.InvalidWatchID {
				announced[id] = true
				for _, r := range pending[id] {
					if !w.send(r, w.fragmented(id)) {
						return
					}
				}
				delete(pending, id)
			}
			if heldProgress != nil && len(pending) == 0 {
				if !w.send(heldProgress, false) {
					return
				}
				heldProgress = nil
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

// toResponse converts an mvcc response, reading previous values when the
// watcher asked for them.
func (w *watchStream) toResponse(mr mvcc.WatchResponse) *pb.WatchResponse {
	w.mu.Lock()
	o := w.opts[mr.WatchID]
	prevKV := o != nil && o.prevKV
	w.mu.Unlock()
	evs := mr.Events
	if prevKV && len(evs) > 0 {
		evs = make([]*mvccpb.Event, len(mr.Events))
		for i, e := range mr.Events {
			ev := &mvccpb.Event{Type: e.Type, Kv: e.Kv}
			if !(e.Type == mvccpb.Event_PUT && e.Kv.CreateRevision == e.Kv.ModRevision) {
				rr, err := w.srv.s.Watchable().Range(context.Background(), e.Kv.Key, nil, mvcc.RangeOptions{Rev: e.Kv.ModRevision - 1})
				if err == nil && len(rr.KVs) > 0 {
					ev.PrevKv = rr.KVs[0]
				}
			}
			evs[i] = ev
		}
	}
	return &pb.WatchResponse{
		Header:          w.header(mr.Revision),
		WatchId:         int64(mr.WatchID),
		Events:          evs,
		CompactRevision: mr.CompactRevision,
		Canceled:        mr.CompactRevision != 0,
	}
}

func (w *watchStream) forget(id mvcc.WatchID) {
	w.mu.Lock()
	delete(w.opts, id)
	w.mu.Unlock()
}

func (w *watchStream) fragmented(id mvcc.WatchID) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	o := w.opts[id]
	return o != nil && o.fragment
}

// sent records that events went out, so the next progress tick skips the
// watcher.
func (w *watchStream) sent(mr mvcc.WatchResponse) {
	if len(mr.Events) == 0 {
		return
	}
	w.mu.Lock()
	if o := w.opts[mr.WatchID]; o != nil {
		o.sentSinceTick = true
	}
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
