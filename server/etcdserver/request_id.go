package etcdserver

import "google.golang.org/protobuf/encoding/protowire"

// Field numbers of InternalRaftRequest and RequestHeader (raft_internal.proto).
const (
	internalRequestIDField     = 1
	internalRequestHeaderField = 100
	requestHeaderIDField       = 1
)

// requestID is the ID of the marshalled InternalRaftRequest data, as
// applyNormal would read it after decoding: the header's ID when there is a
// header, else the ID field, the last occurrence winning as in a decode.
// It reads only tags and lengths; ok is false for bytes it cannot walk.
func requestID(data []byte) (id uint64, ok bool) {
	var top, hdr uint64
	hasHdr := false
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return 0, false
		}
		data = data[n:]
		switch {
		case num == internalRequestIDField && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(data)
			if m < 0 {
				return 0, false
			}
			top, data = v, data[m:]
		case num == internalRequestHeaderField && typ == protowire.BytesType:
			b, m := protowire.ConsumeBytes(data)
			if m < 0 {
				return 0, false
			}
			data = data[m:]
			hasHdr = true
			if v, found, good := headerID(b); !good {
				return 0, false
			} else if found {
				hdr = v
			}
		default:
			m := protowire.ConsumeFieldValue(num, typ, data)
			if m < 0 {
				return 0, false
			}
			data = data[m:]
		}
	}
	if hasHdr {
		return hdr, true
	}
	return top, true
}

// headerID is the last ID field of a marshalled RequestHeader.
func headerID(b []byte) (id uint64, found, ok bool) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return 0, false, false
		}
		b = b[n:]
		if num == requestHeaderIDField && typ == protowire.VarintType {
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return 0, false, false
			}
			id, found, b = v, true, b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return 0, false, false
		}
		b = b[m:]
	}
	return id, found, true
}
