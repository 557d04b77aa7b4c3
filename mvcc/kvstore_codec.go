package mvcc

import (
	"fmt"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"google.golang.org/protobuf/encoding/protowire"
)

// decodeKeyValueInto decodes a marshalled mvccpb.KeyValue into kv with Key and
// Value aliasing b (which the caller owns). Unknown fields are skipped. It is
// the allocation-free twin of UnmarshalVT used on the range path.
func decodeKeyValueInto(b []byte, kv *mvccpb.KeyValue) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("mvcc: decode KeyValue: %w", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case (num == 1 || num == 5) && typ == protowire.BytesType:
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return fmt.Errorf("mvcc: decode KeyValue: %w", protowire.ParseError(m))
			}
			if num == 1 {
				kv.Key = v
			} else {
				kv.Value = v
			}
			b = b[m:]
		case num >= 2 && num <= 6 && num != 5 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return fmt.Errorf("mvcc: decode KeyValue: %w", protowire.ParseError(m))
			}
			switch num {
			case 2:
				kv.CreateRevision = int64(v)
			case 3:
				kv.ModRevision = int64(v)
			case 4:
				kv.Version = int64(v)
			case 6:
				kv.Lease = int64(v)
			}
			b = b[m:]
		default:
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return fmt.Errorf("mvcc: decode KeyValue: %w", protowire.ParseError(m))
			}
			b = b[m:]
		}
	}
	return nil
}

// encodeRevisionKV allocates one buffer holding the bucket key of rev and the
// marshalled kv, and returns both halves.
func encodeRevisionKV(rev Revision, tombstone bool, kv *mvccpb.KeyValue) (key, val []byte) {
	klen := RevBytesLen
	if tombstone {
		klen = MarkedRevBytesLen
	}
	size := kv.SizeVT()
	buf := make([]byte, klen+size)
	AppendRevisionKey(buf[:0], rev, tombstone)
	if _, err := kv.MarshalToSizedBufferVT(buf[klen:]); err != nil {
		panic(fmt.Errorf("mvcc: marshal KeyValue: %w", err))
	}
	return buf[:klen:klen], buf[klen:]
}
