package clientv3

import (
	"sync"
	"sync/atomic"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// substream is one watch: its position in the event history, and an
// unbounded queue drained into the subscriber's channel by its own
// goroutine, so that a slow subscriber never stalls the gRPC stream.
type substream struct {
	req *watchRequest

	// owned by the stream's run goroutine
	id       int64
	nextRev  int64             // the revision to resume from
	returned bool              // the channel was handed to Watch's caller
	frag     *pb.WatchResponse // fragments received so far

	outc chan WatchResponse

	mu      sync.Mutex
	queue   []WatchResponse
	qclosed bool
	notify  chan struct{}

	done atomic.Bool // the delivery goroutine has ended
}

func newSubstream(req *watchRequest) *substream {
	return &substream{
		req:     req,
		id:      InvalidWatchID,
		nextRev: req.rev,
		outc:    make(chan WatchResponse),
		notify:  make(chan struct{}, 1),
	}
}

func (sub *substream) isDone() bool { return sub.done.Load() }

// returnChan hands the channel to the Watch call waiting for it.
func (sub *substream) returnChan() {
	if sub.returned {
		return
	}
	sub.returned = true
	select {
	case sub.req.retc <- sub.outc:
	default:
	}
}

// advance moves the resume point past what resp delivers.
func (sub *substream) advance(resp *pb.WatchResponse) {
	next := sub.nextRev
	if n := len(resp.Events); n > 0 {
		next = resp.Events[n-1].GetKv().GetModRevision() + 1
	} else if !resp.Created && !resp.Canceled {
		// progress: every event up to the header revision was sent
		next = resp.GetHeader().GetRevision() + 1
	}
	if next > sub.nextRev {
		sub.nextRev = next
	}
}

func (sub *substream) push(wr WatchResponse) {
	sub.mu.Lock()
	if !sub.qclosed {
		sub.queue = append(sub.queue, wr)
	}
	sub.mu.Unlock()
	sub.wake()
}

// closeQueue lets the delivery goroutine end once the queue is drained.
func (sub *substream) closeQueue() {
	sub.mu.Lock()
	sub.qclosed = true
	sub.mu.Unlock()
	sub.wake()
}

func (sub *substream) wake() {
	select {
	case sub.notify <- struct{}{}:
	default:
	}
}

func (sub *substream) pop() (wr WatchResponse, ok, closed bool) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if len(sub.queue) == 0 {
		return WatchResponse{}, false, sub.qclosed
	}
	wr = sub.queue[0]
	sub.queue[0] = WatchResponse{}
	sub.queue = sub.queue[1:]
	return wr, true, false
}

// serve delivers the queue to the subscriber until the watch ends, the
// subscriber's context ends, or the client or watcher is closed; then it
// closes the subscriber's channel.
func (sub *substream) serve(s *watchGRPCStream) {
	defer s.owner.wg.Done()
	defer func() {
		sub.done.Store(true)
		close(sub.outc)
		select {
		case s.closingc <- struct{}{}:
		default:
		}
	}()
	userDone := sub.req.ctx.Done()
	clientDone := s.owner.ctx.Done()
	for {
		wr, ok, closed := sub.pop()
		if !ok {
			if closed {
				return
			}
			select {
			case <-sub.notify:
			case <-userDone:
				return
			case <-clientDone:
				return
			case <-s.stopc:
				return
			}
			continue
		}
		select {
		case sub.outc <- wr:
		case <-userDone:
			return
		case <-clientDone:
			return
		case <-s.stopc:
			return
		}
		if wr.Err() != nil {
			return // a canceled watch sends nothing more
		}
	}
}
