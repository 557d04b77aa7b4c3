package walpb

import (
	"bytes"
	"errors"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

func TestRecordEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  Record
		want []byte
	}{
		{"crc record", Record{Type: 4, Crc: 0}, []byte{0x08, 0x04, 0x10, 0x00}},
		{"empty data", Record{Type: 1, Crc: 1, Data: []byte{}}, []byte{0x08, 0x01, 0x10, 0x01, 0x1a, 0x00}},
		{"data", Record{Type: 2, Crc: 300, Data: []byte("ab")}, []byte{0x08, 0x02, 0x10, 0xac, 0x02, 0x1a, 0x02, 'a', 'b'}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.rec.Marshal()
			if !bytes.Equal(got, tc.want) || tc.rec.Size() != len(tc.want) {
				t.Fatalf("got %x, want %x", got, tc.want)
			}
			var back Record
			if err := back.Unmarshal(got); err != nil {
				t.Fatal(err)
			}
			if back.Type != tc.rec.Type || back.Crc != tc.rec.Crc || !bytes.Equal(back.Data, tc.rec.Data) || (back.Data == nil) != (tc.rec.Data == nil) {
				t.Fatalf("round trip %+v", back)
			}
		})
	}
}

func TestRecordUnmarshalErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"zeros", []byte{0, 0, 0, 0}},
		{"truncated varint", []byte{0x08, 0x80}},
		{"truncated bytes", []byte{0x1a, 0x05, 'a'}},
		{"bad wire type", []byte{0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Record
			if err := r.Unmarshal(tc.in); !errors.Is(err, ErrInvalidRecord) {
				t.Fatalf("got %v", err)
			}
		})
	}
	// Unknown fields are skipped.
	var r Record
	if err := r.Unmarshal([]byte{0x08, 0x02, 0x20, 0x07, 0x10, 0x05}); err != nil || r.Type != 2 || r.Crc != 5 {
		t.Fatalf("%+v %v", r, err)
	}
	if err := r.Validate(6); !errors.Is(err, ErrCRCMismatch) {
		t.Fatalf("validate: %v", err)
	}
}

func TestSnapshot(t *testing.T) {
	cs := &raftpb.ConfState{Voters: []uint64{1, 2}}
	for _, s := range []Snapshot{{}, {Index: 7, Term: 2}, {Index: 1 << 40, Term: 9, ConfState: cs}} {
		b, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var back Snapshot
		if err := back.Unmarshal(b); err != nil {
			t.Fatal(err)
		}
		if back.Index != s.Index || back.Term != s.Term || !proto.Equal(back.ConfState, s.ConfState) {
			t.Fatalf("round trip %v -> %v", &s, &back)
		}
		c := s.Clone()
		if c.Index != s.Index || !proto.Equal(c.ConfState, s.ConfState) || (s.ConfState != nil && c.ConfState == s.ConfState) {
			t.Fatal("clone is not deep")
		}
	}
	if b, _ := (&Snapshot{}).Marshal(); !bytes.Equal(b, []byte{0x08, 0x00, 0x10, 0x00}) {
		t.Fatalf("initial snapshot %x", b)
	}
	if err := ValidateSnapshotForWrite(&Snapshot{Index: 5, Term: 1}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatalf("missing conf state: %v", err)
	}
	if err := ValidateSnapshotForWrite(&Snapshot{}); err != nil {
		t.Fatal(err)
	}
	var nilSnap *Snapshot
	if nilSnap.GetIndex() != 0 || nilSnap.GetTerm() != 0 || nilSnap.Clone() == nil {
		t.Fatal("nil snapshot accessors")
	}
}

// FuzzRecordUnmarshal checks that any bytes either fail to decode or decode
// to a record whose encoding decodes to the same record.
func FuzzRecordUnmarshal(f *testing.F) {
	f.Add([]byte{0x08, 0x02, 0x10, 0xac, 0x02, 0x1a, 0x02, 'a', 'b'})
	f.Add([]byte{0x08, 0x04, 0x10, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Record
		if err := r.Unmarshal(b); err != nil {
			return
		}
		var again Record
		if err := again.Unmarshal(r.Marshal()); err != nil || again.Type != r.Type || again.Crc != r.Crc || !bytes.Equal(again.Data, r.Data) {
			t.Fatalf("%+v -> %+v (%v)", r, again, err)
		}
	})
}
