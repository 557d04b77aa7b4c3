package v3rpc

import (
	"github.com/etcdgo/etcd/api/v3/mvccpb"

	"github.com/etcdgo/etcd/mvcc/v3"
)

const (
	// maxTake bounds the responses taken from a stream's channel at once.
	maxTake = 256
	// coalesceBytes bounds the events merged into one response, well
	// under any client's receive limit.
	coalesceBytes = 64 << 10
	// denseIDs bounds the watch IDs a coalescer finds by index rather than
	// through a map (a stream's IDs count up from 0).
	denseIDs = 1 << 12
)

// takeWaiting appends to batch the responses already waiting in ch, up to
// maxTake in all, without blocking. It reports false when ch is closed.
func takeWaiting(batch []mvcc.WatchResponse, ch <-chan mvcc.WatchResponse) ([]mvcc.WatchResponse, bool) {
	for len(batch) < maxTake {
		select {
		case mr, ok := <-ch:
			if !ok {
				return batch, false
			}
			batch = append(batch, mr)
		default:
			return batch, true
		}
	}
	return batch, true
}

// coalescer merges the event responses of one watcher found in a batch
// into one response (at most maxBytes of events each), so that a stream
// behind on many watchers sends one message per watcher instead of one per
// event and watcher: fewer messages for the server to send and for the
// client to read. A watch response may carry events of several revisions,
// as etcd's catch-up responses do.
//
// Order is kept where it means something: each watcher's events stay in
// order, and a response that is not plain events (a stream progress
// notice, a compaction, a watcher's progress) is a barrier — everything
// before it is sent before it, everything after it after it.
//
// A coalescer belongs to one send loop and keeps its scratch space from
// one batch to the next; the zero value is ready.
type coalescer struct {
	out []mvcc.WatchResponse
	// open[i] describes out[i].
	open []openResp
	// dense[id] is 1 + the index in out of watcher id's response still
	// taking events in the current segment (between barriers), 0 if none;
	// sparse holds the IDs dense does not cover.
	dense  []int32
	sparse map[mvcc.WatchID]int
}

type openResp struct {
	// size is the size of the events (-1: not computed yet).
	size int
	// owned tells whether the events slice is the coalescer's (merging into
	// it is safe): the store shares a slice between watchers.
	owned bool
}

// coalesce returns batch with the responses merged. The result is valid
// until the next call; its user clears it after use, so that it holds no
// events.
func (c *coalescer) coalesce(batch []mvcc.WatchResponse, maxBytes int) []mvcc.WatchResponse {
	if len(batch) < 2 {
		return batch
	}
	c.out, c.open = c.out[:0], c.open[:0]
	segment := 0
	for _, mr := range batch {
		if mr.WatchID == mvcc.InvalidWatchID || mr.CompactRevision != 0 || len(mr.Events) == 0 {
			c.closeAll(segment)
			c.out = append(c.out, mr)
			c.open = append(c.open, openResp{})
			segment = len(c.out)
			continue
		}
		if i := c.find(mr.WatchID); i >= 0 {
			o, cur := &c.open[i], &c.out[i]
			if o.size < 0 {
				o.size = eventsSize(cur.Events)
			}
			if n := eventsSize(mr.Events); o.size+n <= maxBytes {
				if !o.owned {
					cur.Events = append(make([]*mvccpb.Event, 0, len(cur.Events)+len(mr.Events)), cur.Events...)
					o.owned = true
				}
				cur.Events = append(cur.Events, mr.Events...)
				cur.Revision = max(cur.Revision, mr.Revision)
				o.size += n
				continue
			}
		}
		c.set(mr.WatchID, len(c.out))
		c.out = append(c.out, mr)
		c.open = append(c.open, openResp{size: -1})
	}
	c.closeAll(segment)
	return c.out
}

// find returns the index in out of id's open response, or -1.
func (c *coalescer) find(id mvcc.WatchID) int {
	if id >= 0 && id < denseIDs {
		if int(id) < len(c.dense) {
			return int(c.dense[id]) - 1
		}
		return -1
	}
	if i, ok := c.sparse[id]; ok {
		return i
	}
	return -1
}

func (c *coalescer) set(id mvcc.WatchID, i int) {
	if id >= 0 && id < denseIDs {
		if int(id) >= len(c.dense) {
			c.dense = append(c.dense, make([]int32, int(id)+1-len(c.dense))...)
		}
		c.dense[id] = int32(i + 1)
		return
	}
	if c.sparse == nil {
		c.sparse = map[mvcc.WatchID]int{}
	}
	c.sparse[id] = i
}

// closeAll closes the open responses of out[from:].
func (c *coalescer) closeAll(from int) {
	for _, mr := range c.out[from:] {
		id := mr.WatchID
		if id >= 0 && id < denseIDs {
			if int(id) < len(c.dense) {
				c.dense[id] = 0
			}
			continue
		}
		delete(c.sparse, id)
	}
}

func eventsSize(evs []*mvccpb.Event) int {
	n := 0
	for _, e := range evs {
		n += e.SizeVT()
	}
	return n
}
