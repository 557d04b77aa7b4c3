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

// coalesce merges the event responses of one watcher found in batch into
// one response (at most maxBytes of events each), so that a stream behind
// on many watchers sends one message per watcher instead of one per event
// and watcher: fewer messages for the server to send and for the client to
// read. A watch response may carry events of several revisions, as etcd's
// catch-up responses do.
//
// Order is kept where it means something: each watcher's events stay in
// order, and a response that is not plain events (a stream progress
// notice, a compaction, a watcher's progress) is a barrier — everything
// before it is sent before it, everything after it after it.
func coalesce(batch []mvcc.WatchResponse, maxBytes int) []mvcc.WatchResponse {
	if len(batch) < 2 {
		return batch
	}
	out := make([]mvcc.WatchResponse, 0, len(batch))
	// open maps a watcher to its response in out still taking events,
	// within the current segment (between barriers).
	open := map[mvcc.WatchID]int{}
	size := map[mvcc.WatchID]int{}
	merged := map[int]bool{}
	for _, mr := range batch {
		if mr.WatchID == mvcc.InvalidWatchID || mr.CompactRevision != 0 || len(mr.Events) == 0 {
			clear(open)
			out = append(out, mr)
			continue
		}
		n := eventsSize(mr.Events)
		if i, ok := open[mr.WatchID]; ok && size[mr.WatchID]+n <= maxBytes {
			cur := &out[i]
			if !merged[i] {
				// The events slice may be shared with other watchers.
				cur.Events = append(make([]*mvccpb.Event, 0, len(cur.Events)+len(mr.Events)), cur.Events...)
				merged[i] = true
			}
			cur.Events = append(cur.Events, mr.Events...)
			cur.Revision = max(cur.Revision, mr.Revision)
			size[mr.WatchID] += n
			continue
		}
		open[mr.WatchID] = len(out)
		size[mr.WatchID] = n
		out = append(out, mr)
	}
	return out
}

func eventsSize(evs []*mvccpb.Event) int {
	n := 0
	for _, e := range evs {
		n += e.SizeVT()
	}
	return n
}
