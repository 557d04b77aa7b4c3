package clientv3

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

const (
	EventTypeDelete = mvccpb.Event_DELETE
	EventTypePut    = mvccpb.Event_PUT

	// AutoWatchID is the watcher ID passed in WatchStream.Watch when no
	// user-provided ID is available. If pass, an ID will automatically be assigned.
	AutoWatchID = 0

	// InvalidWatchID represents an invalid watch ID and prevents duplication with an existing watch.
	InvalidWatchID = -1
)

// Event is a key-value event.
type Event = mvccpb.Event

// WatchChan delivers the responses of one watch.
type WatchChan <-chan WatchResponse

// Watcher is the watch API.
type Watcher interface {
	// Watch watches on a key or prefix. The watched events will be
	// returned through the returned channel. If revisions waiting to be
	// sent over the watch are compacted, then the watch will be canceled
	// by the server, the client will post a compacted error watch
	// response, and the channel will close.
	//
	// If the requested revision is 0 or unspecified, the returned channel
	// will return watch events that happen after the server receives the
	// watch request.
	//
	// If the context "ctx" is canceled or timed out, returned "WatchChan"
	// is closed, and "WatchResponse" from this closed channel has zero
	// events and nil "Err()". The context "ctx" MUST be canceled, as soon
	// as watcher is no longer being used, to release the associated
	// resources.
	//
	// If the context is "context.Background/TODO", returned "WatchChan"
	// will not be closed and block until event is triggered, except when
	// server returns a non-recoverable error (e.g. ErrCompacted). For
	// example, when context passed with "WithRequireLeader" and the
	// connected server has no leader (e.g. due to network partition),
	// error "etcdserver: no leader" (ErrNoLeader) will be returned, and
	// then "WatchChan" is closed with non-nil "Err()".
	//
	// A watch survives disconnects and endpoint switches: the client
	// resumes it from the revision after the last one it delivered.
	Watch(ctx context.Context, key string, opts ...OpOption) WatchChan

	// RequestProgress requests a progress notify response be sent in all
	// watch channels.
	RequestProgress(ctx context.Context) error

	// Close closes the watcher and cancels all watch requests.
	Close() error
}

// WatchResponse is one message of a watch channel.
type WatchResponse struct {
	Header *pb.ResponseHeader
	Events []*Event

	// CompactRevision is the minimum revision the watcher may receive.
	CompactRevision int64

	// Canceled is used to indicate watch failure.
	// If the watch failed and the stream was about to close, before the
	// channel is closed, the channel sends a final response that has
	// Canceled set to true with a non-nil Err().
	Canceled bool

	// Created is used to indicate the creation of the watcher.
	Created bool

	closeErr error

	// CancelReason is a reason of canceling watch
	CancelReason string
}

// Err is the error value if this WatchResponse holds an error.
func (wr *WatchResponse) Err() error {
	switch {
	case wr.closeErr != nil:
		return rpctypes.Error(wr.closeErr)
	case wr.CompactRevision != 0:
		return rpctypes.ErrCompacted
	case wr.Canceled:
		if wr.CancelReason != "" {
			return rpctypes.Error(status.Error(codes.FailedPrecondition, wr.CancelReason))
		}
		return rpctypes.ErrFutureRev
	}
	return nil
}

// IsProgressNotify returns true if the WatchResponse is progress notification.
func (wr *WatchResponse) IsProgressNotify() bool {
	return len(wr.Events) == 0 && !wr.Canceled && !wr.Created && wr.CompactRevision == 0 && wr.Header.GetRevision() != 0
}

// watcher groups watches by the gRPC metadata of their contexts: watches
// whose contexts carry the same metadata share one gRPC stream.
type watcher struct {
	remote   pb.WatchClient
	callOpts []grpc.CallOption
	ctx      context.Context // parent of every stream
	lg       *zap.Logger

	mu      sync.Mutex
	streams map[string]*watchGRPCStream // nil once closed
	wg      sync.WaitGroup
}

// watchRequest is a new watch waiting to be taken by a stream.
type watchRequest struct {
	ctx            context.Context
	key, end       []byte
	rev            int64
	createdNotify  bool
	progressNotify bool
	fragment       bool
	prevKV         bool
	filters        []pb.WatchCreateRequest_FilterType
	// retc receives the watch's channel once the server created it.
	retc chan chan WatchResponse
}

// progressRequest asks for a progress notification on a stream.
type progressRequest struct{}

// NewWatcher returns the Watch API of a client.
func NewWatcher(c *Client) Watcher {
	return NewWatchFromWatchClient(pb.NewWatchClient(c.conn), c)
}

// NewWatchFromWatchClient returns a Watcher over a given gRPC client.
func NewWatchFromWatchClient(wc pb.WatchClient, c *Client) Watcher {
	w := &watcher{
		remote:  wc,
		streams: make(map[string]*watchGRPCStream),
		ctx:     context.Background(),
		lg:      zap.NewNop(),
	}
	if c != nil {
		w.callOpts = c.callOpts
		if c.ctx != nil {
			w.ctx = c.ctx
		}
		if lg := c.GetLogger(); lg != nil {
			w.lg = lg
		}
	}
	return w
}

func streamKeyFromCtx(ctx context.Context) string {
	if md, ok := metadata.FromOutgoingContext(ctx); ok {
		return fmt.Sprintf("%+v", map[string][]string(md))
	}
	return ""
}

func closedWatchChan() WatchChan {
	ch := make(chan WatchResponse)
	close(ch)
	return ch
}

func errWatchChan(err error) WatchChan {
	ch := make(chan WatchResponse, 1)
	ch <- WatchResponse{Header: &pb.ResponseHeader{}, Canceled: true, closeErr: err}
	close(ch)
	return ch
}

// Watch posts a watch request to the stream for ctx's metadata and waits
// until the server has created the watch.
func (w *watcher) Watch(ctx context.Context, key string, opts ...OpOption) WatchChan {
	op := OpWatch(key, opts...)
	req := &watchRequest{
		ctx:            ctx,
		key:            op.key,
		end:            op.end,
		rev:            op.rev,
		createdNotify:  op.createdNotify,
		progressNotify: op.progressNotify,
		fragment:       op.fragment,
		prevKV:         op.prevKV,
		retc:           make(chan chan WatchResponse, 1),
	}
	if op.filterPut {
		req.filters = append(req.filters, pb.WatchCreateRequest_NOPUT)
	}
	if op.filterDelete {
		req.filters = append(req.filters, pb.WatchCreateRequest_NODELETE)
	}

	key2 := streamKeyFromCtx(ctx)
	for {
		s := w.streamFor(ctx, key2)
		if s == nil {
			return closedWatchChan()
		}
		select {
		case s.reqc <- req:
		case <-ctx.Done():
			return closedWatchChan()
		case <-s.donec:
			if s.closeErr != nil {
				return errWatchChan(s.closeErr)
			}
			continue // the stream was retiring; use a new one
		}
		select {
		case ch := <-req.retc:
			return ch
		case <-ctx.Done():
			return closedWatchChan()
		case <-s.donec:
			if s.closeErr != nil {
				return errWatchChan(s.closeErr)
			}
			continue
		}
	}
}

// streamFor returns the stream serving ctx's metadata, starting it if
// needed; nil once the watcher is closed.
func (w *watcher) streamFor(ctx context.Context, key string) *watchGRPCStream {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.streams == nil {
		return nil
	}
	s := w.streams[key]
	if s == nil {
		s = w.newStream(ctx, key)
		w.streams[key] = s
	}
	return s
}

// RequestProgress requests a progress notify response be sent in all
// watch channels of ctx's stream.
func (w *watcher) RequestProgress(ctx context.Context) error {
	key := streamKeyFromCtx(ctx)
	for {
		s := w.streamFor(ctx, key)
		if s == nil {
			return errors.New("no stream found for context")
		}
		select {
		case s.reqc <- progressRequest{}:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-s.donec:
			if s.closeErr != nil {
				return s.closeErr
			}
		}
	}
}

// Close cancels every watch and waits for the streams to end.
func (w *watcher) Close() error {
	w.mu.Lock()
	streams := w.streams
	w.streams = nil
	w.mu.Unlock()
	for _, s := range streams {
		s.shutdown()
		<-s.donec
	}
	w.wg.Wait()
	return nil
}

// removeStream forgets a stream that has ended.
func (w *watcher) removeStream(s *watchGRPCStream) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.streams != nil && w.streams[s.key] == s {
		delete(w.streams, s.key)
	}
}
