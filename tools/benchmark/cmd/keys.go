package cmd

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
)

// varintKey is a key of size bytes that starts with n as a varint (the
// rest zero), as etcd's benchmark builds keys; a key shorter than the
// varint keeps its first bytes.
func varintKey(size int, n int64) string {
	var tmp [binary.MaxVarintLen64]byte
	m := binary.PutVarint(tmp[:], n)
	k := make([]byte, size)
	copy(k, tmp[:m])
	return string(k)
}

// keyIndex picks the i-th request's key number in a space of size keys:
// i modulo the space for sequential keys, else at random.
func keyIndex(i, space int, sequential bool) int64 {
	if sequential {
		return int64(i % space)
	}
	return mrand.Int64N(int64(space))
}

// randBytes returns n random bytes.
func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func positive(name string, v int) error {
	if v <= 0 {
		return fmt.Errorf("expected positive --%s, got (%v)", name, v)
	}
	return nil
}
