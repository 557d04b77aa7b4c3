package clientv3

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc/metadata"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

const (
	watchReconnectMinWait = 100 * time.Millisecond
	watchReconnectMaxWait = 3 * time.Second
)

// watchGRPCStream is one gRPC watch stream and the watches it carries.
// One goroutine (run) owns all of its state but the channels; the gRPC
// stream is reopened, and every watch re-created from the revision after
// the last one delivered, whenever the connection breaks.
type watchGRPCStream struct {
	owner *watcher
	key   string

	ctx    context.Context // parent of each gRPC stream; carries the metadata
	cancel context.CancelFunc
	stopc  chan struct{} // closed by Watcher.Close: deliveries stop
	stop   sync.Once

	reqc     chan any      // *watchRequest or progressRequest
	closingc chan struct{} // a substream's delivery ended
	donec    chan struct{} // closed when run returns
	closeErr error         // why the stream halted; set before donec closes

	// owned by run
	wc       pb.Watch_WatchClient
	wcCancel context.CancelFunc
	respc    chan *pb.WatchResponse
	errc     chan error
	subs     map[int64]*substream // created on the server, by watch ID
	pending  []*substream         // waiting to be created, in order
	creating bool                 // a create request for pending[0] is in flight
	canceled map[int64]bool       // cancel requests sent on this gRPC stream
}

func (w *watcher) newStream(ctx context.Context, key string) *watchGRPCStream {
	sctx, cancel := context.WithCancel(w.ctx)
	if md, ok := metadata.FromOutgoingContext(ctx); ok {
		sctx = metadata.NewOutgoingContext(sctx, md.Copy())
	}
	s := &watchGRPCStream{
		owner:    w,
		key:      key,
		ctx:      sctx,
		cancel:   cancel,
		stopc:    make(chan struct{}),
		reqc:     make(chan any),
		closingc: make(chan struct{}, 1),
		donec:    make(chan struct{}),
		respc:    make(chan *pb.WatchResponse, respBufLen),
		errc:     make(chan error, 1),
		subs:     make(map[int64]*substream),
	}
	w.wg.Add(1)
	go s.run()
	return s
}

// shutdown stops deliveries and the gRPC stream.
func (s *watchGRPCStream) shutdown() {
	s.stop.Do(func() { close(s.stopc) })
	s.cancel()
}

func (s *watchGRPCStream) run() {
	defer s.owner.wg.Done()
	defer s.finish()

	if err := s.connect(); err != nil {
		s.halt(err)
		return
	}
	for {
		select {
		case r := <-s.reqc:
			switch r := r.(type) {
			case *watchRequest:
				sub := newSubstream(r)
				s.owner.wg.Add(1)
				go sub.serve(s)
				s.pending = append(s.pending, sub)
				s.sendNextCreate()
			case progressRequest:
				s.send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_ProgressRequest{ProgressRequest: &pb.WatchProgressRequest{}}})
			}
		case resp := <-s.respc:
			s.dispatch(resp)
			s.dispatchWaiting()
		case err := <-s.errc:
			// Everything the broken stream received comes first: a
			// response dispatched after the resume would be a duplicate.
			s.dispatchWaiting()
			if isHaltErr(s.ctx, err) || errors.Is(ContextError(s.ctx, err), rpctypes.ErrNoLeader) {
				s.halt(err)
				return
			}
			s.owner.lg.Debug("watch stream broken; resuming", zap.Error(err))
			s.requeueAll()
			if err := s.connect(); err != nil {
				s.halt(err)
				return
			}
		case <-s.closingc:
			s.reap()
			if len(s.subs)+len(s.pending) == 0 {
				return
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// halt records why the stream stops, unless it stops because it was
// closed.
func (s *watchGRPCStream) halt(err error) {
	if s.ctx.Err() == nil {
		s.closeErr = err
	}
}

// finish ends every watch of the stream and marks it done.
func (s *watchGRPCStream) finish() {
	s.owner.removeStream(s)
	all := s.pending
	for _, sub := range s.subs {
		all = append(all, sub)
	}
	for _, sub := range all {
		if s.closeErr != nil && sub.returned {
			sub.push(WatchResponse{Header: &pb.ResponseHeader{}, Canceled: true, closeErr: s.closeErr})
		}
		sub.closeQueue()
	}
	if s.wcCancel != nil {
		s.wcCancel()
	}
	s.cancel()
	close(s.donec)
}

// connect opens a new gRPC stream, retrying while the cluster is
// unavailable, and starts re-creating the pending watches on it.
func (s *watchGRPCStream) connect() error {
	wait := watchReconnectMinWait
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		cctx, cancel := context.WithCancel(s.ctx)
		wc, err := s.owner.remote.Watch(cctx, s.owner.callOpts...)
		if err == nil {
			if s.wcCancel != nil {
				s.wcCancel()
			}
			s.wc, s.wcCancel = wc, cancel
			s.canceled = make(map[int64]bool)
			s.owner.wg.Add(1)
			go s.recvLoop(wc)
			s.sendNextCreate()
			return nil
		}
		cancel()
		if isHaltErr(s.ctx, err) {
			return rpctypes.Error(err)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-s.ctx.Done():
			t.Stop()
			return s.ctx.Err()
		}
		wait = min(wait*5/4, watchReconnectMaxWait)
	}
}

// respBufLen is how many received messages may wait for run, so that the
// receiving goroutine does not hand each one over in lockstep.
const respBufLen = 128

// dispatchWaiting dispatches the messages already received. The receive
// loop sends its error only after its last message, so once the error is
// seen, this dispatches every message before it.
func (s *watchGRPCStream) dispatchWaiting() {
	for {
		select {
		case resp := <-s.respc:
			s.dispatch(resp)
		default:
			return
		}
	}
}

// recvLoop forwards one gRPC stream's messages to run, then its error.
func (s *watchGRPCStream) recvLoop(wc pb.Watch_WatchClient) {
	defer s.owner.wg.Done()
	for {
		resp, err := wc.Recv()
		if err != nil {
			select {
			case s.errc <- err:
			case <-s.ctx.Done():
			}
			return
		}
		select {
		case s.respc <- resp:
		case <-s.ctx.Done():
			return
		}
	}
}

func (s *watchGRPCStream) send(req *pb.WatchRequest) {
	if s.wc == nil {
		return
	}
	if err := s.wc.Send(req); err != nil {
		// The receive side reports the broken stream.
		s.owner.lg.Debug("failed to send watch request", zap.Error(err))
	}
}

// sendNextCreate asks the server to create the first pending watch; the
// server answers creates in order, one at a time.
func (s *watchGRPCStream) sendNextCreate() {
	for !s.creating && s.wc != nil && len(s.pending) > 0 {
		sub := s.pending[0]
		if sub.isDone() {
			s.pending = s.pending[1:]
			sub.closeQueue()
			continue
		}
		r := sub.req
		s.send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{
			Key:            r.key,
			RangeEnd:       r.end,
			StartRevision:  sub.nextRev,
			ProgressNotify: r.progressNotify,
			Filters:        r.filters,
			PrevKv:         r.prevKV,
			Fragment:       r.fragment,
		}}})
		s.creating = true
	}
}

func (s *watchGRPCStream) sendCancel(id int64) {
	if s.canceled[id] {
		return
	}
	s.canceled[id] = true
	s.send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CancelRequest{CancelRequest: &pb.WatchCancelRequest{WatchId: id}}})
}

// requeueAll moves every watch back to pending after the gRPC stream
// broke; each resumes from its next revision.
func (s *watchGRPCStream) requeueAll() {
	resumed := make([]*substream, 0, len(s.subs))
	for _, sub := range s.subs {
		resumed = append(resumed, sub)
	}
	sort.Slice(resumed, func(i, j int) bool { return resumed[i].id < resumed[j].id })
	for _, sub := range resumed {
		sub.id = InvalidWatchID
		sub.frag = nil
	}
	s.pending = append(resumed, s.pending...)
	s.subs = make(map[int64]*substream)
	s.creating = false
	if s.wcCancel != nil {
		s.wcCancel()
	}
	s.wc, s.wcCancel = nil, nil
}

// reap drops the watches whose subscribers went away and cancels them on
// the server.
func (s *watchGRPCStream) reap() {
	for id, sub := range s.subs {
		if sub.isDone() {
			delete(s.subs, id)
			sub.closeQueue()
			s.sendCancel(id)
		}
	}
	kept := s.pending[:0]
	for i, sub := range s.pending {
		if sub.isDone() && (i > 0 || !s.creating) {
			sub.closeQueue()
			continue
		}
		kept = append(kept, sub)
	}
	s.pending = kept
}

// dispatch routes one server message to its watch.
func (s *watchGRPCStream) dispatch(resp *pb.WatchResponse) {
	if resp.Created && s.creating && len(s.pending) > 0 {
		sub := s.pending[0]
		s.pending = s.pending[1:]
		s.creating = false
		s.created(sub, resp)
		s.sendNextCreate()
		return
	}
	if resp.WatchId == InvalidWatchID {
		wr := toWatchResponse(resp)
		if wr.IsProgressNotify() {
			for _, sub := range s.subs {
				sub.advance(resp)
				sub.push(wr)
			}
		}
		return
	}
	sub, ok := s.subs[resp.WatchId]
	if !ok {
		if !resp.Canceled {
			s.sendCancel(resp.WatchId) // a watch we no longer know
		}
		return
	}
	if resp.Fragment {
		if sub.frag == nil {
			sub.frag = resp
		} else {
			sub.frag.Events = append(sub.frag.Events, resp.Events...)
		}
		return
	}
	if sub.frag != nil {
		merged := sub.frag
		sub.frag = nil
		merged.Events = append(merged.Events, resp.Events...)
		merged.Header = resp.Header
		merged.Fragment = false
		resp = merged
	}
	s.deliver(sub, resp)
}

// deliver queues a message for a created watch.
func (s *watchGRPCStream) deliver(sub *substream, resp *pb.WatchResponse) {
	sub.advance(resp)
	sub.push(toWatchResponse(resp))
	if resp.Canceled {
		delete(s.subs, sub.id)
		sub.closeQueue()
	}
}

// created handles the server's answer to a create request.
func (s *watchGRPCStream) created(sub *substream, resp *pb.WatchResponse) {
	if resp.WatchId == InvalidWatchID || (resp.Canceled && resp.CancelReason != "") {
		sub.returnChan()
		sub.push(WatchResponse{
			Header:       ensureHeader(resp.Header),
			Canceled:     true,
			CancelReason: resp.CancelReason,
			closeErr:     rpctypes.Error(errors.New(resp.CancelReason)),
		})
		sub.closeQueue()
		return
	}
	sub.id = resp.WatchId
	s.subs[sub.id] = sub
	if sub.nextRev == 0 {
		// Resume after the revision the watch started at, so that events
		// committed while disconnected are not lost.
		sub.nextRev = resp.GetHeader().GetRevision() + 1
	}
	if !sub.returned {
		sub.returnChan()
		if sub.req.createdNotify {
			sub.push(toWatchResponse(resp))
		}
	}
	if sub.isDone() {
		delete(s.subs, sub.id)
		sub.closeQueue()
		s.sendCancel(sub.id)
		return
	}
	if resp.Canceled || resp.CompactRevision != 0 || len(resp.Events) > 0 {
		r := &pb.WatchResponse{
			Header:          resp.Header,
			WatchId:         resp.WatchId,
			Canceled:        resp.Canceled,
			CompactRevision: resp.CompactRevision,
			CancelReason:    resp.CancelReason,
			Events:          resp.Events,
		}
		s.deliver(sub, r)
	}
}

func ensureHeader(h *pb.ResponseHeader) *pb.ResponseHeader {
	if h != nil {
		return h
	}
	return &pb.ResponseHeader{}
}

func toWatchResponse(resp *pb.WatchResponse) WatchResponse {
	return WatchResponse{
		Header:          ensureHeader(resp.Header),
		Events:          resp.Events,
		CompactRevision: resp.CompactRevision,
		Created:         resp.Created,
		Canceled:        resp.Canceled,
		CancelReason:    resp.CancelReason,
	}
}
