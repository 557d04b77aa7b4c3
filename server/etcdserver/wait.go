package etcdserver

import (
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
)

// waitRegistry hands apply results to the RPC waiting on a request ID,
// and the apply loop the request itself when this member proposed it.
type waitRegistry struct {
	mu sync.Mutex
	m  map[uint64]waiter
	// free are result channels handed back empty by Recycle.
	free []chan any
	// stopped: every waiter got nil, and later ones get it at once.
	stopped bool
}

// waiter is a registered request: its result channel and, for an
// InternalRaftRequest, the request as proposed.
type waiter struct {
	ch  chan any
	req *pb.InternalRaftRequest
}

// maxFreeWaitChans bounds the recycled result channels kept.
const maxFreeWaitChans = 1024

func newWaitRegistry() *waitRegistry { return &waitRegistry{m: map[uint64]waiter{}} }

// Register returns the channel that will receive id's result. req, when
// not nil, is the request whose marshalled bytes are proposed under id; it
// must not change until id is triggered.
func (w *waitRegistry) Register(id uint64, req *pb.InternalRaftRequest) chan any {
	w.mu.Lock()
	var ch chan any
	if n := len(w.free); n > 0 {
		ch = w.free[n-1]
		w.free = w.free[:n-1]
	} else {
		ch = make(chan any, 1)
	}
	if w.stopped {
		ch <- nil
	} else {
		w.m[id] = waiter{ch: ch, req: req}
	}
	w.mu.Unlock()
	return ch
}

// Stop triggers every waiter, present and future, with nil.
func (w *waitRegistry) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	for id, wt := range w.m {
		delete(w.m, id)
		wt.ch <- nil // buffered, and nothing was sent on it yet
	}
}

// Recycle takes back a channel from Register once its one result has been
// received: nothing else sends on it.
func (w *waitRegistry) Recycle(ch chan any) {
	w.mu.Lock()
	if len(w.free) < maxFreeWaitChans {
		w.free = append(w.free, ch)
	}
	w.mu.Unlock()
}

// Waiting tells whether id is registered and not triggered yet.
func (w *waitRegistry) Waiting(id uint64) bool {
	w.mu.Lock()
	_, ok := w.m[id]
	w.mu.Unlock()
	return ok
}

// Request is the request registered under id, if id is still waiting.
func (w *waitRegistry) Request(id uint64) *pb.InternalRaftRequest {
	w.mu.Lock()
	r := w.m[id].req
	w.mu.Unlock()
	return r
}

// Trigger delivers x to id's waiter, if any, and forgets id.
func (w *waitRegistry) Trigger(id uint64, x any) {
	w.mu.Lock()
	wt, ok := w.m[id]
	delete(w.m, id)
	w.mu.Unlock()
	if ok {
		wt.ch <- x
	}
}

// indexWait lets callers wait until an index (applied index) is reached.
type indexWait struct {
	mu      sync.Mutex
	cur     uint64
	waiters map[uint64][]chan struct{}
}

func newIndexWait(start uint64) *indexWait {
	return &indexWait{cur: start, waiters: map[uint64][]chan struct{}{}}
}

var closedc = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Wait returns a channel closed once index is reached.
func (w *indexWait) Wait(index uint64) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if index <= w.cur {
		return closedc
	}
	ch := make(chan struct{})
	w.waiters[index] = append(w.waiters[index], ch)
	return ch
}

// Trigger records that index was reached.
func (w *indexWait) Trigger(index uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if index <= w.cur {
		return
	}
	w.cur = index
	for i, chs := range w.waiters {
		if i <= index {
			for _, ch := range chs {
				close(ch)
			}
			delete(w.waiters, i)
		}
	}
}

// idGenerator makes request IDs unique across restarts and members, as
// etcd's: the low 16 bits of the member ID, then a time-seeded counter.
type idGenerator struct {
	prefix uint64
	n      atomic.Uint64
}

func newIDGenerator(member uint64, now time.Time) *idGenerator {
	g := &idGenerator{prefix: (member & 0xffff) << 48}
	g.n.Store((uint64(now.UnixMilli()) & (1<<40 - 1)) << 8)
	return g
}

func (g *idGenerator) Next() uint64 { return g.prefix | (g.n.Add(1) & (1<<48 - 1)) }

// timerPool keeps stopped timers for the requests' timeouts, so that a
// request does not allocate one.
type timerPool struct{ p sync.Pool }

// get returns a timer that fires after d.
func (tp *timerPool) get(d time.Duration) *time.Timer {
	if t, ok := tp.p.Get().(*time.Timer); ok {
		t.Reset(d)
		return t
	}
	return time.NewTimer(d)
}

// put stops t and keeps it; t is not used after. (Since Go 1.23 a stopped
// timer's channel holds no stale value, so a reset timer fires only for
// its new duration.)
func (tp *timerPool) put(t *time.Timer) {
	t.Stop()
	tp.p.Put(t)
}

// requestPool recycles the InternalRaftRequest, with its header, of the
// writes clients send most (see proposeWrite).
type requestPool struct{ p sync.Pool }

// pooledRequest is a request and the header it points to.
type pooledRequest struct {
	r   pb.InternalRaftRequest
	hdr pb.RequestHeader
}

// get returns an empty request whose header is set.
func (rp *requestPool) get() *pooledRequest {
	pr, _ := rp.p.Get().(*pooledRequest)
	if pr == nil {
		pr = new(pooledRequest)
	}
	pr.r.Header = &pr.hdr
	return pr
}

// release takes pr back once proposing it returned res. Only a delivered
// result (not nil) says that nothing holds pr any longer: the apply loop
// hands the result over after its last use of the request and the waiter
// registry forgets the request first, and a proposal raft refused is
// answered without ever entering the log. A proposal abandoned (timed out,
// canceled, stopped) may still be applied from pr, so pr is left to the
// garbage collector.
func (rp *requestPool) release(pr *pooledRequest, res *apply.Result) {
	if res == nil {
		return
	}
	pr.r = pb.InternalRaftRequest{}
	pr.hdr = pb.RequestHeader{}
	rp.p.Put(pr)
}
