package backend

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// UnsafeReader reads a bucket. Returned slices are valid only while the
// transaction (or its lock) is held.
type UnsafeReader interface {
	// UnsafeRange returns the pairs in [key, end) in key order, at most limit
	// of them when limit > 0. A nil end reads the single key.
	UnsafeRange(b Bucket, key, end []byte, limit int64) (keys [][]byte, vals [][]byte)
	// UnsafeGet returns the value of one key, or nil. It does not allocate.
	UnsafeGet(b Bucket, key []byte) []byte
	// UnsafeGetMany sets vals[i] to the value of keys[i] (nil if absent),
	// reusing one cursor; len(vals) must be len(keys).
	UnsafeGetMany(b Bucket, keys, vals [][]byte)
	// UnsafeForEach calls fn for every pair of the bucket in key order.
	UnsafeForEach(b Bucket, fn func(k, v []byte) error) error
}

// UnsafeWriter writes a bucket. Values must not be modified by the caller
// after they are handed over.
type UnsafeWriter interface {
	UnsafeCreateBucket(b Bucket)
	UnsafeDeleteBucket(b Bucket)
	UnsafePut(b Bucket, key, value []byte)
	// UnsafeSeqPut is UnsafePut for keys written in increasing order; it packs
	// pages fuller (bbolt fill percent 0.9), as etcd does for revisions.
	UnsafeSeqPut(b Bucket, key, value []byte)
	UnsafeDelete(b Bucket, key []byte)
}

// UnsafeReadWriter is what a pre-commit hook receives.
type UnsafeReadWriter interface {
	UnsafeReader
	UnsafeWriter
}

// ReadTx is a read transaction over the committed file plus the uncommitted
// writes. Hold RLock around Unsafe calls.
type ReadTx interface {
	UnsafeReader
	RLock()
	RUnlock()
}

// BatchTx is the single write transaction. Hold Lock around Unsafe calls;
// Unlock publishes the writes to readers.
type BatchTx interface {
	UnsafeReadWriter
	Lock()
	Unlock()
	// Commit commits the bbolt transaction now; the lock must be held.
	Commit()
}

// Hooks are called by the backend. OnPreCommitUnsafe runs with the batch
// transaction locked, just before each bbolt commit; what it writes is part of
// that commit.
type Hooks interface {
	OnPreCommitUnsafe(tx UnsafeReadWriter)
}

// HookFunc adapts a function to Hooks.
type HookFunc func(tx UnsafeReadWriter)

// OnPreCommitUnsafe implements Hooks.
func (f HookFunc) OnPreCommitUnsafe(tx UnsafeReadWriter) { f(tx) }

// boltSource hands out cursors over the bbolt buckets of a transaction
// (nil: no such bucket, or no transaction); each is given back with
// releaseCursor once its keys and values are no longer read.
type boltSource interface {
	cursor(b Bucket) *bolt.Cursor
	releaseCursor(b Bucket, c *bolt.Cursor)
}

// boltRange reads [key,end) (or the single key when end is nil) from a bolt
// transaction merged with an optional buffer of newer writes.
func mergedRange(src boltSource, bb *bucketBuffer, b Bucket, key, end []byte, limit int64, fn func(k, v []byte) bool) {
	var ck, cv []byte
	c := src.cursor(b)
	defer src.releaseCursor(b, c)
	if c != nil {
		if key == nil {
			ck, cv = c.First()
		} else {
			ck, cv = c.Seek(key)
		}
	}
	i := 0
	if bb != nil && key != nil {
		i = bb.from(key)
	}
	inRange := func(k []byte) bool { return k != nil && (end == nil || bytes.Compare(k, end) < 0) }
	var n int64
	for limit <= 0 || n < limit {
		cOK := inRange(ck)
		bOK := bb != nil && i < len(bb.ents) && inRange(bb.ents[i].key)
		if !cOK && !bOK {
			return
		}
		var k, v []byte
		del := false
		if bOK && (!cOK || bytes.Compare(bb.ents[i].key, ck) <= 0) {
			e := &bb.ents[i]
			if cOK && bytes.Equal(e.key, ck) {
				ck, cv = c.Next()
			}
			k, v, del = e.key, e.val, e.del
			i++
		} else {
			k, v = ck, cv
			ck, cv = c.Next()
		}
		if del {
			continue
		}
		n++
		if !fn(k, v) {
			return
		}
	}
}

// mergedGet reads one key from the buffer, then from bolt.
func mergedGet(src boltSource, bb *bucketBuffer, b Bucket, key []byte) []byte {
	if bb != nil {
		if i, ok := bb.search(key); ok {
			if bb.ents[i].del {
				return nil
			}
			return bb.ents[i].val
		}
	}
	c := src.cursor(b)
	if c == nil {
		return nil
	}
	k, v := c.Seek(key)
	src.releaseCursor(b, c)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// mergedGetMany is mergedGet for many keys with one bolt cursor.
func mergedGetMany(src boltSource, bb *bucketBuffer, b Bucket, keys, vals [][]byte) {
	c := src.cursor(b)
	defer src.releaseCursor(b, c)
	for i, key := range keys {
		vals[i] = nil
		if bb != nil {
			if j, ok := bb.search(key); ok {
				if !bb.ents[j].del {
					vals[i] = bb.ents[j].val
				}
				continue
			}
		}
		if c != nil {
			if k, v := c.Seek(key); bytes.Equal(k, key) {
				vals[i] = v
			}
		}
	}
}

func rangeCollect(src boltSource, bb *bucketBuffer, b Bucket, key, end []byte, limit int64) (keys, vals [][]byte) {
	if end == nil {
		if v := mergedGet(src, bb, b, key); v != nil {
			return [][]byte{key}, [][]byte{v}
		}
		return nil, nil
	}
	mergedRange(src, bb, b, key, end, limit, func(k, v []byte) bool {
		keys = append(keys, k)
		vals = append(vals, v)
		return true
	})
	return keys, vals
}

func forEach(src boltSource, bb *bucketBuffer, b Bucket, fn func(k, v []byte) error) error {
	var err error
	mergedRange(src, bb, b, nil, nil, 0, func(k, v []byte) bool {
		err = fn(k, v)
		return err == nil
	})
	return err
}
