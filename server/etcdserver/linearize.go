package etcdserver

import (
	"context"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.etcd.io/raft/v3"

	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
)

// readNotifier is shared by every reader batched into one ReadIndex round.
type readNotifier struct {
	c   chan struct{}
	err error
}

func newReadNotifier() *readNotifier { return &readNotifier{c: make(chan struct{})} }

func (n *readNotifier) notify(err error) {
	n.err = err
	close(n.c)
}

// linearizer serves linearizable reads: readers that arrive while a
// ReadIndex round is in flight share the next round. A round asks raft for
// the commit index (confirmed by a quorum) and waits until it is applied.
type linearizer struct {
	readc      chan<- []byte
	readStatec <-chan raft.ReadState
	applied    *indexWait
	timeout    time.Duration
	seq        atomic.Uint64

	mu       sync.Mutex
	notifier *readNotifier
	stopped  bool // the notifier is closed with ErrStopped for good
	wakec    chan struct{}
	stopc    <-chan struct{}

	// slow counts answers to older rounds and rounds that timed out
	// waiting for raft; failed counts rounds that timed out waiting for
	// the apply (nil: not counted).
	slow, failed prometheus.Counter
}

func newLinearizer(readc chan<- []byte, rs <-chan raft.ReadState, applied *indexWait, timeout time.Duration, stopc <-chan struct{}) *linearizer {
	return &linearizer{readc: readc, readStatec: rs, applied: applied, timeout: timeout,
		notifier: newReadNotifier(), wakec: make(chan struct{}, 1), stopc: stopc}
}

// Wait returns once every write committed before the call is applied.
// (Stopping closes the notifier rather than Wait selecting on stopc: the
// readers of a round all wake at once, and each would take the lock of
// every channel it selected on.)
func (l *linearizer) Wait(ctx context.Context) error {
	l.mu.Lock()
	n := l.notifier
	l.mu.Unlock()
	select {
	case l.wakec <- struct{}{}:
	default:
	}
	select {
	case <-n.c:
		return n.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *linearizer) run() {
	defer l.stop()
	for {
		select {
		case <-l.wakec:
		case <-l.stopc:
			return
		}
		l.mu.Lock()
		if l.stopped {
			l.mu.Unlock()
			return
		}
		n := l.notifier
		l.notifier = newReadNotifier()
		l.mu.Unlock()
		n.notify(l.round())
	}
}

// stop fails the readers waiting for the next round, and every later
// reader, with ErrStopped. (A round in flight ends with ErrStopped too.)
func (l *linearizer) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.stopped = true
		l.notifier.notify(errs.ErrStopped)
	}
}

func (l *linearizer) round() error {
	deadline := time.NewTimer(l.timeout)
	defer deadline.Stop()
	retry := time.NewTicker(500 * time.Millisecond)
	defer retry.Stop()
	id := l.seq.Add(1)
	rctx := binary.BigEndian.AppendUint64(nil, id)
	send := func() bool {
		select {
		case l.readc <- rctx:
			return true
		case <-l.stopc:
			return false
		}
	}
	if !send() {
		return errs.ErrStopped
	}
	for {
		select {
		case rs := <-l.readStatec:
			if len(rs.RequestCtx) != 8 || binary.BigEndian.Uint64(rs.RequestCtx) != id {
				inc(l.slow)
				continue // an answer to an older round
			}
			select {
			case <-l.applied.Wait(rs.Index):
				return nil
			case <-deadline.C:
				inc(l.failed)
				return errs.ErrTimeout
			case <-l.stopc:
				return errs.ErrStopped
			}
		case <-retry.C:
			// No leader yet, or the request was dropped: ask again.
			if !send() {
				return errs.ErrStopped
			}
		case <-deadline.C:
			inc(l.slow)
			return errs.ErrTimeout
		case <-l.stopc:
			return errs.ErrStopped
		}
	}
}

func inc(c prometheus.Counter) {
	if c != nil {
		c.Inc()
	}
}
