package mvcc

import (
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	// RevBytesLen is the length of a revision key: 8-byte big-endian main,
	// '_', 8-byte big-endian sub.
	RevBytesLen = 8 + 1 + 8
	// MarkedRevBytesLen is a revision key with a trailing mark byte.
	MarkedRevBytesLen = RevBytesLen + 1
	tombstoneMark     = 't'
)

// ErrBadRevisionKey reports a malformed key of the "key" bucket.
var ErrBadRevisionKey = errors.New("mvcc: malformed revision key")

// Revision is a (main, sub) revision pair.
type Revision struct {
	Main int64
	Sub  int64
}

// GreaterThan reports a > b.
func (a Revision) GreaterThan(b Revision) bool {
	if a.Main != b.Main {
		return a.Main > b.Main
	}
	return a.Sub > b.Sub
}

// AppendRevisionKey appends the bucket key of rev (with a tombstone mark when
// tombstone is set) to dst.
func AppendRevisionKey(dst []byte, rev Revision, tombstone bool) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(rev.Main))
	dst = append(dst, '_')
	dst = binary.BigEndian.AppendUint64(dst, uint64(rev.Sub))
	if tombstone {
		dst = append(dst, tombstoneMark)
	}
	return dst
}

// RevisionKey returns a new bucket key for rev.
func RevisionKey(rev Revision, tombstone bool) []byte {
	return AppendRevisionKey(make([]byte, 0, MarkedRevBytesLen), rev, tombstone)
}

// ParseRevisionKey decodes a bucket key.
func ParseRevisionKey(b []byte) (rev Revision, tombstone bool, err error) {
	if len(b) != RevBytesLen && len(b) != MarkedRevBytesLen {
		return Revision{}, false, fmt.Errorf("%w: length %d", ErrBadRevisionKey, len(b))
	}
	if b[8] != '_' {
		return Revision{}, false, fmt.Errorf("%w: separator %q", ErrBadRevisionKey, b[8])
	}
	rev.Main = int64(binary.BigEndian.Uint64(b[:8]))
	rev.Sub = int64(binary.BigEndian.Uint64(b[9:17]))
	if rev.Main < 0 || rev.Sub < 0 {
		return Revision{}, false, fmt.Errorf("%w: negative revision", ErrBadRevisionKey)
	}
	if len(b) == MarkedRevBytesLen {
		if b[RevBytesLen] != tombstoneMark {
			return Revision{}, false, fmt.Errorf("%w: mark %q", ErrBadRevisionKey, b[RevBytesLen])
		}
		tombstone = true
	}
	return rev, tombstone, nil
}

// mustParseRevisionKey is ParseRevisionKey for keys this store wrote.
func mustParseRevisionKey(b []byte) (Revision, bool) {
	r, t, err := ParseRevisionKey(b)
	if err != nil {
		panic(err)
	}
	return r, t
}

// IsTombstoneKey reports whether a bucket key carries the tombstone mark.
func IsTombstoneKey(b []byte) bool {
	return len(b) == MarkedRevBytesLen && b[RevBytesLen] == tombstoneMark
}
