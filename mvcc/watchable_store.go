package mvcc

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

const (
	// maxWatchersPerSync bounds the watchers caught up in one sync round.
	maxWatchersPerSync = 512
	// syncEventsLimit bounds the revisions read from the backend in one sync
	// round; it is also the most one slow watcher can hold in memory (one
	// pending response of at most this many events, plus its channel).
	syncEventsLimit = 10000
	syncInterval    = 10 * time.Millisecond
)

// WatchableStore is a Store whose changes can be watched.
//
// Watchers live in one of three sets, as in etcd: synced (caught up; the
// write path sends them each revision as it is written), unsynced (behind;
// a background loop reads their history from the backend and sends it in
// batches of whole revisions) and victims (their channel was full; they hold
// exactly one pending response that the loop retries). Writers never block
// on a watcher: a full channel turns the watcher into a victim.
type WatchableStore struct {
	*Store

	wmu      sync.Mutex
	synced   watcherGroup
	unsynced map[*watcher]struct{}
	victims  map[*watcher]struct{}

	// victimsTotal counts watchers parked because their channel was full.
	victimsTotal atomic.Int64

	// streams are the open watch streams and sentEvents the events sent
	// to them so far (for the metrics), guarded by wmu.
	streams    map[*watchStream]struct{}
	sentEvents uint64

	kick  chan struct{}
	stopc chan struct{}
	donec chan struct{}
	once  sync.Once
}

// watcherGroup indexes synced watchers: single keys by key, ranges in a list.
type watcherGroup struct {
	keys   map[string]map[*watcher]struct{}
	ranges map[*watcher]struct{}
	n      int
}

func (g *watcherGroup) add(w *watcher) {
	if w.end == nil {
		set := g.keys[string(w.key)]
		if set == nil {
			set = make(map[*watcher]struct{})
			g.keys[string(w.key)] = set
		}
		set[w] = struct{}{}
	} else {
		g.ranges[w] = struct{}{}
	}
	g.n++
}

func (g *watcherGroup) remove(w *watcher) {
	if w.end == nil {
		set := g.keys[string(w.key)]
		if _, ok := set[w]; !ok {
			return
		}
		delete(set, w)
		if len(set) == 0 {
			delete(g.keys, string(w.key))
		}
	} else {
		if _, ok := g.ranges[w]; !ok {
			return
		}
		delete(g.ranges, w)
	}
	g.n--
}

// NewWatchableStore opens a store (see NewStore) that supports watches.
func NewWatchableStore(b *backend.Backend, le Lessor, cfg StoreConfig) (*WatchableStore, error) {
	return newWatchableStore(b, le, cfg, true)
}

// newWatchableStore can leave the sync loop off so tests drive it by hand.
func newWatchableStore(b *backend.Backend, le Lessor, cfg StoreConfig, loop bool) (*WatchableStore, error) {
	s, err := NewStore(b, le, cfg)
	if err != nil {
		return nil, err
	}
	ws := &WatchableStore{
		Store:    s,
		synced:   watcherGroup{keys: make(map[string]map[*watcher]struct{}), ranges: make(map[*watcher]struct{})},
		unsynced: make(map[*watcher]struct{}),
		victims:  make(map[*watcher]struct{}),
		streams:  make(map[*watchStream]struct{}),
		kick:     make(chan struct{}, 1),
		stopc:    make(chan struct{}),
		donec:    make(chan struct{}),
	}
	s.notifier = ws
	ws.registerWatchMetrics(cfg.Registerer)
	if loop {
		go ws.run()
	} else {
		close(ws.donec)
	}
	return ws, nil
}

// Close stops the watch loop and the store's background work.
func (ws *WatchableStore) Close() error {
	ws.once.Do(func() {
		close(ws.stopc)
		<-ws.donec
	})
	return ws.Store.Close()
}

// Restore switches backend; every watcher is caught up again from the new
// backend's history.
func (ws *WatchableStore) Restore(b *backend.Backend) error {
	ws.wmu.Lock()
	for _, set := range ws.synced.keys {
		for w := range set {
			ws.unsynced[w] = struct{}{}
			w.state = stateUnsynced
		}
	}
	for w := range ws.synced.ranges {
		ws.unsynced[w] = struct{}{}
		w.state = stateUnsynced
	}
	ws.synced = watcherGroup{keys: make(map[string]map[*watcher]struct{}), ranges: make(map[*watcher]struct{})}
	ws.wmu.Unlock()
	err := ws.Store.Restore(b)
	ws.kickSync()
	return err
}

// NewWatchStream returns a new stream.
func (ws *WatchableStore) NewWatchStream() WatchStream {
	return ws.newWatchStream(chanBufLen)
}

func (ws *WatchableStore) newWatchStream(buf int) *watchStream {
	s := &watchStream{ws: ws, ch: make(chan WatchResponse, buf), sent: make([]int32, buf), watchers: make(map[WatchID]*watcher)}
	ws.wmu.Lock()
	ws.streams[s] = struct{}{}
	ws.wmu.Unlock()
	return s
}

func (ws *WatchableStore) removeStream(s *watchStream) {
	ws.wmu.Lock()
	delete(ws.streams, s)
	ws.wmu.Unlock()
}

// pendingEventsLocked counts the events sent to the streams that their
// readers have not taken yet; wmu is held.
func (ws *WatchableStore) pendingEventsLocked() uint64 {
	var n uint64
	for s := range ws.streams {
		n += s.pendingEvents()
	}
	return n
}

func (ws *WatchableStore) kickSync() {
	select {
	case ws.kick <- struct{}{}:
	default:
	}
}

func (ws *WatchableStore) add(w *watcher, startRev int64) {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	cur := ws.Store.Rev()
	if startRev <= 0 || startRev > cur {
		w.minRev = max(startRev, cur+1)
		w.state = stateSynced
		ws.synced.add(w)
		return
	}
	w.minRev = startRev
	w.state = stateUnsynced
	ws.unsynced[w] = struct{}{}
	ws.kickSync()
}

func (ws *WatchableStore) cancel(w *watcher) {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	switch w.state {
	case stateSynced:
		ws.synced.remove(w)
	case stateUnsynced:
		delete(ws.unsynced, w)
	case stateVictim:
		delete(ws.victims, w)
		w.victim = nil
	}
	w.state = stateCancelled
}

func (ws *WatchableStore) progress(w *watcher) {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	if w.state == stateSynced {
		w.send(WatchResponse{WatchID: w.id, Revision: ws.Store.Rev()})
	}
}

func (ws *WatchableStore) progressAll(watchers map[WatchID]*watcher, s *watchStream) bool {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	for _, w := range watchers {
		if w.state != stateSynced {
			return false
		}
	}
	return s.send(WatchResponse{WatchID: InvalidWatchID, Revision: ws.Store.Rev()})
}

// lockNotify / notify / unlockNotify are called by the write transaction's
// End: the watch lock is held across the revision increment so that no
// watcher can move to the synced set between the notification of a revision
// and its publication.
func (ws *WatchableStore) lockNotify()   { ws.wmu.Lock() }
func (ws *WatchableStore) unlockNotify() { ws.wmu.Unlock() }

func (ws *WatchableStore) notify(rev int64, changes []*mvccpb.KeyValue) {
	if ws.synced.n == 0 {
		return
	}
	evs := changesToEvents(rev, changes)
	if len(evs) == 1 {
		e := evs[0]
		for w := range ws.synced.keys[string(e.Kv.Key)] {
			ws.deliver(w, rev, evs)
		}
		for w := range ws.synced.ranges {
			if w.contains(e.Kv.Key) {
				ws.deliver(w, rev, evs)
			}
		}
		return
	}
	per := make(map[*watcher][]*mvccpb.Event)
	var order []*watcher
	for _, e := range evs {
		for w := range ws.synced.keys[string(e.Kv.Key)] {
			if _, ok := per[w]; !ok {
				order = append(order, w)
			}
			per[w] = append(per[w], e)
		}
		for w := range ws.synced.ranges {
			if w.contains(e.Kv.Key) {
				if _, ok := per[w]; !ok {
					order = append(order, w)
				}
				per[w] = append(per[w], e)
			}
		}
	}
	for _, w := range order {
		ws.deliver(w, rev, per[w])
	}
}

// deliver sends one revision to a synced watcher or makes it a victim.
func (ws *WatchableStore) deliver(w *watcher, rev int64, evs []*mvccpb.Event) {
	if w.minRev > rev {
		return
	}
	w.minRev = rev + 1
	evs = w.filter(evs)
	if len(evs) == 0 {
		return
	}
	r := WatchResponse{WatchID: w.id, Events: evs, Revision: rev}
	if w.send(r) {
		return
	}
	// Only a response kept for a victim goes to the heap: r itself stays on
	// the stack, no allocation per watcher and event.
	victim := r
	ws.synced.remove(w)
	w.state = stateVictim
	w.victim = &victim
	ws.victims[w] = struct{}{}
	ws.victimsTotal.Add(1)
	ws.kickSync()
}

func changesToEvents(rev int64, changes []*mvccpb.KeyValue) []*mvccpb.Event {
	arr := make([]mvccpb.Event, len(changes))
	evs := make([]*mvccpb.Event, len(changes))
	for i, kv := range changes {
		e := &arr[i]
		e.Kv = kv
		if kv.CreateRevision == 0 {
			e.Type = mvccpb.Event_DELETE
			kv.ModRevision = rev
		}
		evs[i] = e
	}
	return evs
}

func (ws *WatchableStore) run() {
	defer close(ws.donec)
	t := time.NewTicker(syncInterval)
	defer t.Stop()
	for {
		select {
		case <-ws.stopc:
			return
		case <-t.C:
		case <-ws.kick:
		}
		ws.syncVictims()
		if ws.syncWatchers() {
			ws.kickSync()
		}
	}
}

// syncVictims retries the pending response of every victim.
func (ws *WatchableStore) syncVictims() {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	if len(ws.victims) == 0 {
		return
	}
	cur := ws.Store.Rev()
	for w := range ws.victims {
		if !w.send(*w.victim) {
			continue
		}
		w.victim = nil
		delete(ws.victims, w)
		if w.minRev > cur {
			w.state = stateSynced
			ws.synced.add(w)
		} else {
			w.state = stateUnsynced
			ws.unsynced[w] = struct{}{}
		}
	}
}

// syncWatchers catches up to maxWatchersPerSync unsynced watchers by one
// batch of history. It reports whether unsynced watchers remain.
func (ws *WatchableStore) syncWatchers() bool {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	if len(ws.unsynced) == 0 {
		return false
	}
	cur := ws.Store.Rev()
	compactRev := ws.Store.FirstRev()
	batch := make([]*watcher, 0, min(len(ws.unsynced), maxWatchersPerSync))
	minRev := int64(-1)
	for w := range ws.unsynced {
		if len(batch) == maxWatchersPerSync {
			break
		}
		if w.minRev < compactRev {
			if w.send(WatchResponse{WatchID: w.id, CompactRevision: compactRev}) {
				delete(ws.unsynced, w)
				w.state = stateCancelled
			}
			continue
		}
		if w.minRev > cur {
			delete(ws.unsynced, w)
			w.state = stateSynced
			ws.synced.add(w)
			continue
		}
		batch = append(batch, w)
		if minRev < 0 || w.minRev < minRev {
			minRev = w.minRev
		}
	}
	if len(batch) == 0 {
		return len(ws.unsynced) > 0
	}
	evs, upTo := ws.readEvents(minRev, cur)
	for _, w := range batch {
		var wevs []*mvccpb.Event
		for _, e := range evs {
			if e.Kv.ModRevision >= w.minRev && w.contains(e.Kv.Key) {
				wevs = append(wevs, e)
			}
		}
		wevs = w.filter(wevs)
		next := max(upTo+1, w.minRev)
		if len(wevs) > 0 {
			r := WatchResponse{WatchID: w.id, Events: wevs, Revision: upTo}
			if !w.send(r) {
				delete(ws.unsynced, w)
				w.state = stateVictim
				w.victim = &r
				w.minRev = next
				ws.victims[w] = struct{}{}
				ws.victimsTotal.Add(1)
				continue
			}
		}
		w.minRev = next
		if next > cur {
			delete(ws.unsynced, w)
			w.state = stateSynced
			ws.synced.add(w)
		}
	}
	return len(ws.unsynced) > 0
}

// readEvents reads the events of revisions [minRev, cur] from the backend,
// at most about syncEventsLimit of them but never part of a revision, and
// returns them with the last revision they cover.
func (ws *WatchableStore) readEvents(minRev, cur int64) ([]*mvccpb.Event, int64) {
	tx := ws.Store.b.ReadTx()
	tx.RLock()
	defer tx.RUnlock()
	start := RevisionKey(Revision{Main: minRev}, false)
	end := RevisionKey(Revision{Main: cur + 1}, false)
	keys, vals := tx.UnsafeRange(backend.Key, start, end, syncEventsLimit)
	upTo := cur
	if len(keys) == syncEventsLimit {
		last, _ := mustParseRevisionKey(keys[len(keys)-1])
		first, _ := mustParseRevisionKey(keys[0])
		if first.Main == last.Main {
			// One revision larger than the limit: read all of it.
			keys, vals = tx.UnsafeRange(backend.Key, start, RevisionKey(Revision{Main: last.Main + 1}, false), 0)
			upTo = last.Main
		} else {
			n := len(keys)
			for n > 0 {
				r, _ := mustParseRevisionKey(keys[n-1])
				if r.Main != last.Main {
					break
				}
				n--
			}
			keys, vals = keys[:n], vals[:n]
			upTo = last.Main - 1
		}
	}
	arr := make([]mvccpb.Event, len(keys))
	evs := make([]*mvccpb.Event, len(keys))
	for i := range keys {
		rev, tomb := mustParseRevisionKey(keys[i])
		kv := &mvccpb.KeyValue{}
		if err := kv.UnmarshalVT(vals[i]); err != nil {
			panic(err)
		}
		e := &arr[i]
		e.Kv = kv
		if tomb {
			e.Type = mvccpb.Event_DELETE
			kv.ModRevision = rev.Main
		}
		evs[i] = e
	}
	return evs, upTo
}
