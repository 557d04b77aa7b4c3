package lease

import (
	"container/heap"
	"time"
)

// deadlines is a min-heap of one time per lease ID, updated in place.
type deadlines struct {
	items []*deadline
	index map[int64]*deadline
}

type deadline struct {
	id  int64
	at  time.Time
	pos int
}

func newDeadlines() *deadlines { return &deadlines{index: map[int64]*deadline{}} }

// set schedules id at t, replacing its previous time.
func (d *deadlines) set(id int64, t time.Time) {
	if it, ok := d.index[id]; ok {
		it.at = t
		heap.Fix((*deadlineHeap)(d), it.pos)
		return
	}
	it := &deadline{id: id, at: t}
	d.index[id] = it
	heap.Push((*deadlineHeap)(d), it)
}

// remove unschedules id.
func (d *deadlines) remove(id int64) {
	if it, ok := d.index[id]; ok {
		heap.Remove((*deadlineHeap)(d), it.pos)
	}
}

// peek returns the earliest entry.
func (d *deadlines) peek() (int64, time.Time, bool) {
	if len(d.items) == 0 {
		return 0, time.Time{}, false
	}
	return d.items[0].id, d.items[0].at, true
}

func (d *deadlines) len() int { return len(d.items) }

// deadlineHeap implements heap.Interface over deadlines.
type deadlineHeap deadlines

func (h *deadlineHeap) Len() int           { return len(h.items) }
func (h *deadlineHeap) Less(i, j int) bool { return h.items[i].at.Before(h.items[j].at) }
func (h *deadlineHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].pos, h.items[j].pos = i, j
}
func (h *deadlineHeap) Push(x any) {
	it := x.(*deadline)
	it.pos = len(h.items)
	h.items = append(h.items, it)
}
func (h *deadlineHeap) Pop() any {
	n := len(h.items)
	it := h.items[n-1]
	h.items[n-1] = nil
	h.items = h.items[:n-1]
	delete(h.index, it.id)
	return it
}
