package snappb

import (
	"bytes"
	"errors"
	"testing"
)

func TestSnapshotEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Snapshot
		want []byte
	}{
		{"data", Snapshot{Crc: 1, Data: []byte("x")}, []byte{0x08, 0x01, 0x12, 0x01, 'x'}},
		{"no data", Snapshot{Crc: 0}, []byte{0x08, 0x00}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Marshal(); !bytes.Equal(got, tc.want) || tc.s.Size() != len(got) {
				t.Fatalf("got %x, want %x", got, tc.want)
			}
			var back Snapshot
			if err := back.Unmarshal(tc.want); err != nil || back.Crc != tc.s.Crc || !bytes.Equal(back.Data, tc.s.Data) {
				t.Fatalf("%+v %v", back, err)
			}
		})
	}
	var s Snapshot
	if err := s.Unmarshal([]byte{0x12, 0x09}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatalf("truncated: %v", err)
	}
}
