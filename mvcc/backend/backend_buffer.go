package backend

import (
	"bytes"
	"sort"
)

// bufEntry is one uncommitted write: a put, or a delete when del is set.
type bufEntry struct {
	key, val []byte
	del      bool
}

// bucketBuffer holds the uncommitted writes to one bucket sorted by key, the
// newest write per key only. Sequential puts (revision keys) append.
type bucketBuffer struct {
	ents []bufEntry
}

func (bb *bucketBuffer) search(key []byte) (int, bool) {
	i := sort.Search(len(bb.ents), func(i int) bool { return bytes.Compare(bb.ents[i].key, key) >= 0 })
	return i, i < len(bb.ents) && bytes.Equal(bb.ents[i].key, key)
}

func (bb *bucketBuffer) set(e bufEntry) {
	n := len(bb.ents)
	if n == 0 || bytes.Compare(bb.ents[n-1].key, e.key) < 0 {
		bb.ents = append(bb.ents, e)
		return
	}
	i, ok := bb.search(e.key)
	if ok {
		bb.ents[i] = e
		return
	}
	bb.ents = append(bb.ents, bufEntry{})
	copy(bb.ents[i+1:], bb.ents[i:])
	bb.ents[i] = e
}

// merge adds sorted entries (newer than the buffer's) in one pass.
func (bb *bucketBuffer) merge(src []bufEntry) {
	n := len(bb.ents)
	switch {
	case len(src) == 0:
		return
	case n == 0 || bytes.Compare(bb.ents[n-1].key, src[0].key) < 0:
		bb.ents = append(bb.ents, src...)
		return
	case len(src) < 8:
		for _, e := range src {
			bb.set(e)
		}
		return
	}
	out := make([]bufEntry, 0, n+len(src))
	i, j := 0, 0
	for i < n && j < len(src) {
		switch c := bytes.Compare(bb.ents[i].key, src[j].key); {
		case c < 0:
			out = append(out, bb.ents[i])
			i++
		case c > 0:
			out = append(out, src[j])
			j++
		default:
			out = append(out, src[j])
			i++
			j++
		}
	}
	out = append(out, bb.ents[i:]...)
	out = append(out, src[j:]...)
	bb.ents = out
}

// from returns the index of the first entry >= key.
func (bb *bucketBuffer) from(key []byte) int {
	i, _ := bb.search(key)
	return i
}

// txBuffer is a set of bucket buffers indexed by Bucket.ID.
type txBuffer struct {
	buckets []*bucketBuffer
	n       int
}

func (tb *txBuffer) bucket(b Bucket, create bool) *bucketBuffer {
	id := int(b.ID)
	if id < len(tb.buckets) && tb.buckets[id] != nil {
		return tb.buckets[id]
	}
	if !create {
		return nil
	}
	for id >= len(tb.buckets) {
		tb.buckets = append(tb.buckets, nil)
	}
	bb := &bucketBuffer{}
	tb.buckets[id] = bb
	return bb
}

func (tb *txBuffer) put(b Bucket, k, v []byte) {
	tb.bucket(b, true).set(bufEntry{key: k, val: v})
	tb.n++
}

func (tb *txBuffer) del(b Bucket, k []byte) {
	tb.bucket(b, true).set(bufEntry{key: k, del: true})
	tb.n++
}

func (tb *txBuffer) reset() {
	for _, bb := range tb.buckets {
		if bb != nil {
			clear(bb.ents)
			bb.ents = bb.ents[:0]
		}
	}
	tb.n = 0
}

// mergeInto writes every entry of tb into dst (newer wins).
func (tb *txBuffer) mergeInto(dst *txBuffer) {
	for id, bb := range tb.buckets {
		if bb == nil || len(bb.ents) == 0 {
			continue
		}
		d := dst.bucket(Bucket{ID: uint8(id)}, true)
		d.merge(bb.ents)
		dst.n += len(bb.ents)
	}
}

func (tb *txBuffer) clone() *txBuffer {
	c := &txBuffer{buckets: make([]*bucketBuffer, len(tb.buckets)), n: tb.n}
	for id, bb := range tb.buckets {
		if bb != nil && len(bb.ents) > 0 {
			c.buckets[id] = &bucketBuffer{ents: append([]bufEntry(nil), bb.ents...)}
		}
	}
	return c
}
