package cmd

import (
	"encoding/binary"
	"sync/atomic"
	"time"
)

// putTimeline remembers when each numbered put was issued, so that a watch
// event, whose value carries the put's number, is timed from its put and
// not from when the watcher happened to be waiting.
type putTimeline struct {
	base   time.Time
	issued []atomic.Int64 // offset from base; 0 = not yet issued
	// unattributed counts events whose put could not be found.
	unattributed atomic.Int64
}

func newPutTimeline(puts int) *putTimeline {
	return &putTimeline{base: time.Now(), issued: make([]atomic.Int64, puts)}
}

// mark records that put seq is being issued now.
func (t *putTimeline) mark(seq int) {
	t.issued[seq].Store(max(1, int64(time.Since(t.base))))
}

// issuedAt returns when put seq was issued.
func (t *putTimeline) issuedAt(seq int) (time.Time, bool) {
	if seq < 0 || seq >= len(t.issued) {
		return time.Time{}, false
	}
	off := t.issued[seq].Load()
	if off == 0 {
		return time.Time{}, false
	}
	return t.base.Add(time.Duration(off)), true
}

// seqValue is a value of at least size bytes that starts with seq.
func seqValue(seq, size int) string {
	b := make([]byte, max(8, size))
	binary.BigEndian.PutUint64(b, uint64(seq))
	return string(b)
}

// valueSeq reads the put number back from a value made by seqValue.
func valueSeq(v []byte) (int, bool) {
	if len(v) < 8 {
		return 0, false
	}
	return int(binary.BigEndian.Uint64(v)), true
}
