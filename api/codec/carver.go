package codec

import (
	"sync"

	"google.golang.org/grpc/mem"
)

const (
	// slabSize is the pooled buffer small messages are carved from: one of
	// the sizes of grpc's default pool, and above its pooling threshold
	// (grpc only counts references on buffers larger than 1 KiB).
	slabSize = 4 << 10
	// slotsLen is how many returned buffer slices share one allocation.
	slotsLen = 64
)

// carvers are the per-P carvers of every Codec; a carver is used by one
// Marshal at a time.
var carvers = sync.Pool{New: func() any { return &carver{pool: mem.DefaultBufferPool()} }}

// carver places marshalled messages in buffers of grpc's pool so that
// marshalling allocates nothing in the steady state.
//
// A message of at most 1 KiB (grpc's pooling threshold) takes the next
// bytes of a slab: a reference-counted slab buffer of which each message
// gets a view (mem.Buffer.Slice). grpc frees each view once the message is
// written; the slab goes back to the pool when the carver has moved on to
// another one and every view is freed. A larger message gets a pooled
// buffer of its own, as grpc's proto codec does. Free with grpc's Buffer
// API, not with the carver: the carver never writes bytes it handed out.
//
// The one-element BufferSlice returned is cut from a chunk of slots that
// is never reused (the garbage collector reclaims it), so that it needs no
// allocation of its own either.
type carver struct {
	pool mem.BufferPool
	// root is the carver's reference to the current slab (nil: none),
	// data its writable bytes and off the first free one.
	root mem.Buffer
	data []byte
	off  int
	// slots are the unused one-buffer slices.
	slots []mem.Buffer
}

// marshal writes m (size bytes, above zero) into pooled memory.
func (c *carver) marshal(m vtMessage, size int) (mem.Buffer, error) {
	if !mem.IsBelowBufferPoolingThreshold(size) {
		buf := c.pool.Get(size)
		if _, err := m.MarshalToSizedBufferVT((*buf)[:size]); err != nil {
			c.pool.Put(buf)
			return nil, err
		}
		return mem.NewBuffer(buf, c.pool), nil
	}
	if c.root == nil || len(c.data)-c.off < size {
		c.refill()
	}
	// Bytes written by a failed marshal are taken by the next message.
	if _, err := m.MarshalToSizedBufferVT(c.data[c.off : c.off+size : c.off+size]); err != nil {
		return nil, err
	}
	b := c.root.Slice(c.off, c.off+size)
	c.off += size
	return b, nil
}

// refill drops the carver's reference to its slab and takes a new one.
func (c *carver) refill() {
	if c.root != nil {
		c.root.Free()
	}
	buf := c.pool.Get(slabSize)
	*buf = (*buf)[:cap(*buf)]
	c.data = *buf
	c.root = mem.NewBuffer(buf, c.pool)
	c.off = 0
}

// slice returns b as a BufferSlice.
func (c *carver) slice(b mem.Buffer) mem.BufferSlice {
	if len(c.slots) == 0 {
		c.slots = make([]mem.Buffer, slotsLen)
	}
	s := c.slots[:1:1]
	c.slots = c.slots[1:]
	s[0] = b
	return s
}

// release drops the carver's reference to its slab.
func (c *carver) release() {
	if c.root != nil {
		c.root.Free()
		c.root, c.data, c.off = nil, nil, 0
	}
}
