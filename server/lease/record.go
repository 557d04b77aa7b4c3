package lease

import (
	"encoding/binary"

	"github.com/etcdgo/etcd/api/v3/leasepb"
)

// record is one row of the lease bucket: etcd's leasepb.Lease keyed by
// the lease ID as 8 bytes big-endian.
type record struct {
	ID, TTL, RemainingTTL int64
}

func idKey(id int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(id))
	return b[:]
}

func encodeRecord(r record) []byte {
	b, err := (&leasepb.Lease{ID: r.ID, TTL: r.TTL, RemainingTTL: r.RemainingTTL}).MarshalVT()
	if err != nil {
		panic(err) // a message of three varints always marshals
	}
	return b
}

func decodeRecord(v []byte) (record, error) {
	var l leasepb.Lease
	if err := l.UnmarshalVT(v); err != nil {
		return record{}, err
	}
	return record{ID: l.ID, TTL: l.TTL, RemainingTTL: l.RemainingTTL}, nil
}
