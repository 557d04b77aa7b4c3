package v3rpc

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// WatchBackend is what the Watch service needs from the server: a store
// to open watch streams on (and to read previous values from) and the raft
// term for headers.
type WatchBackend interface {
	ClusterID() uint64
	ID() uint64
	Term() uint64
	Watchable() *mvcc.WatchableStore
}

const (
	// DefaultProgressNotifyInterval is etcd's --watch-progress-notify-interval.
	DefaultProgressNotifyInterval = 10 * time.Minute
	// MinProgressNotifyInterval is the smallest interval etcd accepts.
	MinProgressNotifyInterval = 100 * time.Millisecond
	// ctrlBufLen buffers created/cancelled responses of one stream.
	ctrlBufLen = 16
	// progressRetryInterval is how often a stream-wide progress request
	// that could not be answered yet (a watcher was catching up) is tried
	// again.
	progressRetryInterval = 50 * time.Millisecond
)

type watchServer struct {
	pb.UnimplementedWatchServer
	s        WatchBackend
	lg       *zap.Logger
	interval time.Duration
	maxBytes uint
}

func newWatchServer(s WatchBackend, cfg Config) *watchServer {
	ws := &watchServer{s: s, lg: cfg.Logger, interval: cfg.WatchProgressNotifyInterval, maxBytes: cfg.MaxRequestBytes + grpcOverheadBytes}
	if ws.lg == nil {
		ws.lg = zap.NewNop()
	}
	if ws.interval <= 0 {
		ws.interval = DefaultProgressNotifyInterval
	}
	if ws.interval < MinProgressNotifyInterval {
		ws.lg.Warn("adjusting watch progress notify interval to minimum period", zap.Duration("min-watch-progress-notify-interval", MinProgressNotifyInterval))
		ws.interval = MinProgressNotifyInterval
	}
	return ws
}

// progressInterval adds up to 10% jitter so that watchers created together
// do not get their notifications together.
func (ws *watchServer) progressInterval() time.Duration {
	return ws.interval + time.Duration(rand.Int64N(int64(ws.interval)/10+1))
}

// watchStream is one gRPC Watch stream: a receive loop turns requests into
// watchers of one mvcc stream, a send loop turns mvcc responses and
// control messages into gRPC responses. The mvcc stream never blocks
// writers: a watcher whose stream is slow falls behind and catches up
// from the backend.
type watchStream struct {
	srv   *watchServer
	grpc  pb.Watch_WatchServer
	ms    mvcc.WatchStream
	ctrlc chan *pb.WatchResponse

	mu sync.Mutex
	// opts holds each watcher's per-watch options.
	opts map[mvcc.WatchID]*watchOpts
	// progressAll is set while a stream-wide progress request waits for
	// every watcher to catch up.
	progressAll bool

	closec chan struct{}
	wg     sync.WaitGroup
}

// watchOpts are a watcher's options, fixed at its creation.
type watchOpts struct {
	prevKV, fragment bool
	// progress is true for progress_notify watchers.
	progress bool
	// sentSinceTick tells whether events went out since the last progress
	// tick (no notification then). The send loop sets it without the
	// stream's lock.
	sentSinceTick atomic.Bool
}

func (ws *watchServer) Watch(stream pb.Watch_WatchServer) error {
	w := &watchStream{
		srv: ws, grpc: stream, ms: ws.s.Watchable().NewWatchStream(),
		ctrlc: make(chan *pb.WatchResponse, ctrlBufLen),
		opts:  map[mvcc.WatchID]*watchOpts{}, closec: make(chan struct{}),
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.sendLoop()
	}()
	// The receive loop may stay blocked in Recv after the stream's context
	// ends; it exits when the handler returns and gRPC closes the stream.
	errc := make(chan error, 1)
	go func() { errc <- w.recvLoop() }()

	var err error
	select {
	case err = <-errc:
		if err == nil {
			// The client closed its side: keep sending until it goes away.
			<-stream.Context().Done()
			err = stream.Context().Err()
		}
	case <-stream.Context().Done():
		err = stream.Context().Err()
	}
	if errors.Is(err, context.Canceled) {
		err = rpctypes.ErrGRPCWatchCanceled
	}
	w.close()
	return err
}

func (w *watchStream) close() {
	w.ms.Close()
	close(w.closec)
	w.wg.Wait()
}

func (w *watchStream) header(rev int64) *pb.ResponseHeader {
	h := w.headerFields()
	return &pb.ResponseHeader{ClusterId: h.clusterID, MemberId: h.memberID, RaftTerm: h.term, Revision: rev}
}

func (w *watchStream) headerFields() headerFields {
	s := w.srv.s
	return headerFields{clusterID: s.ClusterID(), memberID: s.ID(), term: s.Term()}
}

// ctrl queues a control response; false when the stream is closing.
func (w *watchStream) ctrl(r *pb.WatchResponse) bool {
	select {
	case w.ctrlc <- r:
		return true
	case <-w.closec:
		return false
	}
}

func (w *watchStream) recvLoop() error {
	for {
		req, err := w.grpc.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch u := req.RequestUnion.(type) {
		case *pb.WatchRequest_CreateRequest:
			if u.CreateRequest != nil && !w.create(u.CreateRequest) {
				return nil
			}
		case *pb.WatchRequest_CancelRequest:
			if u.CancelRequest != nil && !w.cancel(u.CancelRequest.WatchId) {
				return nil
			}
		case *pb.WatchRequest_ProgressRequest:
			if u.ProgressRequest != nil {
				w.requestProgressAll()
			}
		default:
			// An unknown request does not end the stream.
			w.srv.lg.Info("invalid watch request type received in gRPC stream")
		}
	}
}

func (w *watchStream) create(cr *pb.WatchCreateRequest) bool {
	if len(cr.Key) == 0 {
		cr.Key = []byte{0} // the smallest key
	}
	if cr.StartRevision < 0 {
		return w.ctrl(&pb.WatchResponse{
			Header: w.header(w.ms.Rev()), WatchId: int64(mvcc.InvalidWatchID),
			Created: true, Canceled: true, CancelReason: rpctypes.ErrCompacted.Error(),
		})
	}
	end := cr.RangeEnd
	switch {
	case len(end) == 0:
		end = nil // one key
	case len(end) == 1 && end[0] == 0:
		end = []byte{} // every key >= key
	}
	var fcs []mvcc.FilterFunc
	for _, f := range cr.Filters {
		switch f {
		case pb.WatchCreateRequest_NOPUT:
			fcs = append(fcs, mvcc.FilterNoPut)
		case pb.WatchCreateRequest_NODELETE:
			fcs = append(fcs, mvcc.FilterNoDelete)
		}
	}
	// Options are in place before the watcher can produce a response.
	w.mu.Lock()
	id, err := w.ms.Watch(mvcc.WatchID(cr.WatchId), cr.Key, end, cr.StartRevision, fcs...)
	if err == nil {
		w.opts[id] = &watchOpts{prevKV: cr.PrevKv, fragment: cr.Fragment, progress: cr.ProgressNotify}
	}
	w.mu.Unlock()
	resp := &pb.WatchResponse{Header: w.header(w.ms.Rev()), WatchId: int64(id), Created: true}
	if err != nil {
		resp.WatchId = int64(mvcc.InvalidWatchID)
		resp.Canceled = true
		resp.CancelReason = err.Error()
	}
	return w.ctrl(resp)
}

func (w *watchStream) cancel(id int64) bool {
	if err := w.ms.Cancel(mvcc.WatchID(id)); err != nil {
		return true // unknown IDs are ignored, as etcd does
	}
	w.mu.Lock()
	delete(w.opts, mvcc.WatchID(id))
	w.mu.Unlock()
	return w.ctrl(&pb.WatchResponse{Header: w.header(w.ms.Rev()), WatchId: id, Canceled: true})
}

// requestProgressAll asks for one response with watch ID -1 whose revision
// no later event of the stream goes below. The mvcc stream answers only
// when every watcher is caught up; until then the send loop retries.
func (w *watchStream) requestProgressAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.progressAll = !w.ms.RequestProgressAll()
}

func (w *watchStream) retryProgressAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.progressAll {
		w.progressAll = !w.ms.RequestProgressAll()
	}
}

// tickProgress sends a progress notification to every progress_notify
// watcher that got no events since the last tick.
func (w *watchStream) tickProgress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, o := range w.opts {
		if !o.progress {
			continue
		}
		if !o.sentSinceTick.Swap(false) {
			w.ms.RequestProgress(id)
		}
	}
}
