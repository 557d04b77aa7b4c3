package walpb

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrCRCMismatch reports a record whose checksum does not match the data
// before it. The text is etcd's.
var ErrCRCMismatch = errors.New("walpb: crc mismatch")

// ErrInvalidRecord reports bytes that are not a well-formed Record.
var ErrInvalidRecord = errors.New("walpb: invalid record")

// Field numbers of Record.
const (
	recordTypeField = 1
	recordCrcField  = 2
	recordDataField = 3
)

// Record is one WAL record: its type, the running CRC-32C of all record
// data up to and including this one, and its payload.
type Record struct {
	Type int64
	Crc  uint32
	Data []byte
}

// Validate returns an error wrapping ErrCRCMismatch unless r.Crc is crc.
func (r *Record) Validate(crc uint32) error {
	if r.Crc == crc {
		return nil
	}
	return fmt.Errorf("%w: expected: %x computed: %x", ErrCRCMismatch, r.Crc, crc)
}

// Size returns the length of r's encoding.
func (r *Record) Size() int {
	return RecordSize(r.Type, r.Crc, r.Data)
}

// RecordSize is the encoded length of a Record with these fields.
func RecordSize(typ int64, crc uint32, data []byte) int {
	n := 1 + protowire.SizeVarint(uint64(typ)) + 1 + protowire.SizeVarint(uint64(crc))
	if data != nil {
		n += 1 + protowire.SizeBytes(len(data))
	}
	return n
}

// Marshal returns r's encoding.
func (r *Record) Marshal() []byte {
	return r.MarshalAppend(make([]byte, 0, r.Size()))
}

// MarshalAppend appends r's encoding to b.
func (r *Record) MarshalAppend(b []byte) []byte {
	b = AppendRecordHeader(b, r.Type, r.Crc, r.Data)
	return append(b, r.Data...)
}

// AppendRecordHeader appends everything of a Record's encoding except the
// data bytes themselves, which must follow. A nil data leaves the field
// out.
func AppendRecordHeader(b []byte, typ int64, crc uint32, data []byte) []byte {
	b = protowire.AppendTag(b, recordTypeField, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(typ))
	b = protowire.AppendTag(b, recordCrcField, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(crc))
	if data != nil {
		b = protowire.AppendTag(b, recordDataField, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(len(data)))
	}
	return b
}

// Unmarshal decodes b into r, resetting it first. r.Data aliases b.
// Unknown fields are skipped; a repeated field keeps its last value, as
// proto2 parsers do.
func (r *Record) Unmarshal(b []byte) error {
	*r = Record{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrInvalidRecord, protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == recordTypeField && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return fmt.Errorf("%w: type: %v", ErrInvalidRecord, protowire.ParseError(n))
			}
			r.Type = int64(v)
			b = b[n:]
		case num == recordCrcField && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return fmt.Errorf("%w: crc: %v", ErrInvalidRecord, protowire.ParseError(n))
			}
			r.Crc = uint32(v)
			b = b[n:]
		case num == recordDataField && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return fmt.Errorf("%w: data: %v", ErrInvalidRecord, protowire.ParseError(n))
			}
			r.Data = v[:len(v):len(v)]
			b = b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return fmt.Errorf("%w: field %d: %v", ErrInvalidRecord, num, protowire.ParseError(n))
			}
			b = b[n:]
		}
	}
	return nil
}
