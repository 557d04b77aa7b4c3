package mvcc

import (
	"bytes"
	"errors"
	"sync"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// Watch errors, with etcd's text.
var (
	ErrWatcherNotExist    = errors.New("mvcc: watcher does not exist")
	ErrEmptyWatcherRange  = errors.New("mvcc: watcher range is empty")
	ErrWatcherDuplicateID = errors.New("mvcc: duplicate watch ID provided on the WatchStream")
)

// WatchID identifies a watcher within its stream.
type WatchID int64

const (
	// AutoWatchID asks the stream to pick an ID.
	AutoWatchID WatchID = 0
	// InvalidWatchID marks progress responses that cover every watcher.
	InvalidWatchID WatchID = -1
	// chanBufLen is the buffer of a stream's response channel.
	chanBufLen = 128
)

// FilterFunc returns true for events the watcher does not want.
type FilterFunc func(e *mvccpb.Event) bool

// FilterNoPut drops put events.
func FilterNoPut(e *mvccpb.Event) bool { return e.Type == mvccpb.Event_PUT }

// FilterNoDelete drops delete events.
func FilterNoDelete(e *mvccpb.Event) bool { return e.Type == mvccpb.Event_DELETE }

// WatchResponse carries the events of one or more whole revisions for one
// watcher, in revision order. Revision is the store revision the watcher is
// caught up to. A response with CompactRevision set means the watcher was
// cancelled because its start revision was compacted.
type WatchResponse struct {
	WatchID         WatchID
	Events          []*mvccpb.Event
	Revision        int64
	CompactRevision int64
}

// WatchStream multiplexes watchers onto one channel.
type WatchStream interface {
	// Watch watches [key, end) (end nil: the key; end empty or "\x00": every
	// key >= key) from startRev (0: the next revision).
	Watch(id WatchID, key, end []byte, startRev int64, fcs ...FilterFunc) (WatchID, error)
	// Chan delivers the responses of every watcher of the stream.
	Chan() <-chan WatchResponse
	// Cancel removes a watcher.
	Cancel(id WatchID) error
	// RequestProgress sends an empty response with the current revision to
	// a watcher that is caught up; otherwise it does nothing.
	RequestProgress(id WatchID)
	// RequestProgressAll sends one response with WatchID InvalidWatchID when
	// every watcher of the stream is caught up, and reports whether it did.
	RequestProgressAll() bool
	// Close cancels every watcher and closes the channel.
	Close()
	// Rev is the current revision of the store.
	Rev() int64
}

// watcher is one watch. Its fields other than the immutable ones are guarded
// by the watchable store's mu.
type watcher struct {
	key, end []byte
	fromKey  bool
	id       WatchID
	fcs      []FilterFunc
	stream   *watchStream
	// minRev is the next revision to deliver.
	minRev int64
	// state: where the watcher is.
	state  watcherState
	victim *WatchResponse
}

type watcherState uint8

const (
	stateSynced watcherState = iota
	stateUnsynced
	stateVictim
	stateCancelled
)

func (w *watcher) contains(key []byte) bool {
	if w.end == nil {
		return bytes.Equal(w.key, key)
	}
	if bytes.Compare(key, w.key) < 0 {
		return false
	}
	return w.fromKey || bytes.Compare(key, w.end) < 0
}

func (w *watcher) filter(evs []*mvccpb.Event) []*mvccpb.Event {
	if len(w.fcs) == 0 {
		return evs
	}
	out := evs[:0:0]
	for _, e := range evs {
		keep := true
		for _, f := range w.fcs {
			if f(e) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	return out
}

// send tries a non-blocking send; the watchable store's mu is held.
func (w *watcher) send(r WatchResponse) bool { return w.stream.send(r) }

// watchStream implements WatchStream.
type watchStream struct {
	ws *WatchableStore
	ch chan WatchResponse
	// sent holds the event counts of the last cap(ch) responses sent, in a
	// ring ending at head: the responses still in ch are the newest
	// len(ch) of them, which tells how many events wait to be read. Both
	// are guarded by the watchable store's mu, under which every send
	// happens.
	sent []int32
	head int

	mu       sync.Mutex
	nextID   WatchID
	watchers map[WatchID]*watcher
	closed   bool
}

func (s *watchStream) Watch(id WatchID, key, end []byte, startRev int64, fcs ...FilterFunc) (WatchID, error) {
	if len(end) > 0 && !(len(end) == 1 && end[0] == 0) && bytes.Compare(key, end) >= 0 {
		return -1, ErrEmptyWatcherRange
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return -1, ErrClosed
	}
	if id == AutoWatchID {
		for s.watchers[s.nextID] != nil {
			s.nextID++
		}
		id = s.nextID
		s.nextID++
	} else if _, ok := s.watchers[id]; ok {
		return -1, ErrWatcherDuplicateID
	}
	w := &watcher{
		key:     append([]byte(nil), key...),
		fromKey: isFromKey(end),
		id:      id,
		fcs:     fcs,
		stream:  s,
	}
	if end != nil {
		w.end = append([]byte{}, end...)
	}
	s.ws.add(w, startRev)
	s.watchers[id] = w
	return id, nil
}

func (s *watchStream) Chan() <-chan WatchResponse { return s.ch }

func (s *watchStream) Cancel(id WatchID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.watchers[id]
	if !ok {
		return ErrWatcherNotExist
	}
	delete(s.watchers, id)
	s.ws.cancel(w)
	return nil
}

func (s *watchStream) RequestProgress(id WatchID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.watchers[id]; ok {
		s.ws.progress(w)
	}
}

func (s *watchStream) RequestProgressAll() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ws.progressAll(s.watchers, s)
}

func (s *watchStream) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	for id, w := range s.watchers {
		s.ws.cancel(w)
		delete(s.watchers, id)
	}
	s.ws.removeStream(s)
	close(s.ch)
}

// send tries a non-blocking send and records it; the watchable store's mu
// is held.
func (s *watchStream) send(r WatchResponse) bool {
	select {
	case s.ch <- r:
	default:
		return false
	}
	n := len(r.Events)
	s.ws.sentEvents += uint64(n)
	if len(s.sent) > 0 {
		s.sent[s.head] = int32(n)
		if s.head++; s.head == len(s.sent) {
			s.head = 0
		}
	}
	return true
}

// pendingEvents counts the events of the responses still in the channel;
// the watchable store's mu is held.
func (s *watchStream) pendingEvents() uint64 {
	var n uint64
	i := s.head
	for range min(len(s.ch), len(s.sent)) {
		if i == 0 {
			i = len(s.sent)
		}
		i--
		n += uint64(s.sent[i])
	}
	return n
}

func (s *watchStream) Rev() int64 { return s.ws.Rev() }
