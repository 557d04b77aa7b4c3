package snappb

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrInvalidSnapshot reports bytes that are not a well-formed Snapshot.
var ErrInvalidSnapshot = errors.New("snappb: invalid snapshot")

const (
	crcField  = 1
	dataField = 2
)

// Snapshot is the content of a .snap file.
type Snapshot struct {
	Crc  uint32
	Data []byte
}

// Size returns the length of s's encoding.
func (s *Snapshot) Size() int {
	n := 1 + protowire.SizeVarint(uint64(s.Crc))
	if s.Data != nil {
		n += 1 + protowire.SizeBytes(len(s.Data))
	}
	return n
}

// Marshal returns s's encoding.
func (s *Snapshot) Marshal() []byte {
	return s.MarshalAppend(make([]byte, 0, s.Size()))
}

// MarshalAppend appends s's encoding to b.
func (s *Snapshot) MarshalAppend(b []byte) []byte {
	b = protowire.AppendTag(b, crcField, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(s.Crc))
	if s.Data != nil {
		b = protowire.AppendTag(b, dataField, protowire.BytesType)
		b = protowire.AppendBytes(b, s.Data)
	}
	return b
}

// Unmarshal decodes b into s, resetting it first. s.Data aliases b.
func (s *Snapshot) Unmarshal(b []byte) error {
	*s = Snapshot{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrInvalidSnapshot, protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == crcField && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return fmt.Errorf("%w: crc: %v", ErrInvalidSnapshot, protowire.ParseError(n))
			}
			s.Crc = uint32(v)
			b = b[n:]
		case num == dataField && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return fmt.Errorf("%w: data: %v", ErrInvalidSnapshot, protowire.ParseError(n))
			}
			s.Data = v[:len(v):len(v)]
			b = b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return fmt.Errorf("%w: field %d: %v", ErrInvalidSnapshot, num, protowire.ParseError(n))
			}
			b = b[n:]
		}
	}
	return nil
}
