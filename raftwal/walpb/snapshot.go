package walpb

import (
	"errors"
	"fmt"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// ErrInvalidSnapshot reports bytes that are not a well-formed Snapshot, or
// a Snapshot that may not be written.
var ErrInvalidSnapshot = errors.New("walpb: invalid snapshot")

const (
	snapIndexField     = 1
	snapTermField      = 2
	snapConfStateField = 3
)

// Snapshot marks, in the WAL, the raft index and term at which a snapshot
// was taken, with the membership at that point.
type Snapshot struct {
	Index     uint64
	Term      uint64
	ConfState *raftpb.ConfState // nil for the initial snapshot
}

// Clone returns a deep copy of s; a nil s gives an empty Snapshot.
func (s *Snapshot) Clone() *Snapshot {
	if s == nil {
		return &Snapshot{}
	}
	c := *s
	if s.ConfState != nil {
		c.ConfState = proto.Clone(s.ConfState).(*raftpb.ConfState)
	}
	return &c
}

// GetIndex returns s.Index, or 0 for a nil s.
func (s *Snapshot) GetIndex() uint64 {
	if s == nil {
		return 0
	}
	return s.Index
}

// GetTerm returns s.Term, or 0 for a nil s.
func (s *Snapshot) GetTerm() uint64 {
	if s == nil {
		return 0
	}
	return s.Term
}

// String formats s for logs.
func (s *Snapshot) String() string {
	if s == nil {
		return "<nil>"
	}
	return fmt.Sprintf("index:%d term:%d conf_state:{%v}", s.Index, s.Term, s.ConfState)
}

// ValidateSnapshotForWrite rejects a snapshot past the initial one
// (index 0) that carries no ConfState, as etcd does since 3.5.
func ValidateSnapshotForWrite(s *Snapshot) error {
	if s == nil {
		return fmt.Errorf("%w: snapshot is nil", ErrInvalidSnapshot)
	}
	if s.ConfState == nil && s.Index > 0 {
		return fmt.Errorf("%w: Saved (not-initial) snapshot is missing ConfState: %s", ErrInvalidSnapshot, s)
	}
	return nil
}

// Marshal returns s's encoding.
func (s *Snapshot) Marshal() ([]byte, error) {
	return s.MarshalAppend(nil)
}

// MarshalAppend appends s's encoding to b.
func (s *Snapshot) MarshalAppend(b []byte) ([]byte, error) {
	b = protowire.AppendTag(b, snapIndexField, protowire.VarintType)
	b = protowire.AppendVarint(b, s.Index)
	b = protowire.AppendTag(b, snapTermField, protowire.VarintType)
	b = protowire.AppendVarint(b, s.Term)
	if s.ConfState != nil {
		opts := proto.MarshalOptions{}
		b = protowire.AppendTag(b, snapConfStateField, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(opts.Size(s.ConfState)))
		var err error
		if b, err = (proto.MarshalOptions{UseCachedSize: true}).MarshalAppend(b, s.ConfState); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Unmarshal decodes b into s, resetting it first.
func (s *Snapshot) Unmarshal(b []byte) error {
	*s = Snapshot{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrInvalidSnapshot, protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case (num == snapIndexField || num == snapTermField) && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return fmt.Errorf("%w: %v", ErrInvalidSnapshot, protowire.ParseError(n))
			}
			if num == snapIndexField {
				s.Index = v
			} else {
				s.Term = v
			}
			b = b[n:]
		case num == snapConfStateField && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return fmt.Errorf("%w: conf_state: %v", ErrInvalidSnapshot, protowire.ParseError(n))
			}
			if s.ConfState == nil {
				s.ConfState = &raftpb.ConfState{}
			}
			// A repeated message field merges, as proto parsers do.
			if err := (proto.UnmarshalOptions{Merge: true}).Unmarshal(v, s.ConfState); err != nil {
				return fmt.Errorf("%w: conf_state: %w", ErrInvalidSnapshot, err)
			}
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
