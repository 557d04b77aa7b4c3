package raftwal

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	etcdsnappb "go.etcd.io/etcd/server/v3/etcdserver/api/snap/snappb"
	etcdwalpb "go.etcd.io/etcd/server/v3/storage/wal/walpb"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcdgo/etcd/raftwal/v3/snappb"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

func u32(v uint32) *uint32 { return &v }
func i64(v int64) *int64   { return &v }

// The envelopes encode to the bytes etcd's generated code produces for the
// same values (etcd always sets type, crc, index and term), and decode
// etcd's bytes to the same values.
func TestRecordBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  walpb.Record
	}{
		{"crc record", walpb.Record{Type: 4, Crc: 0}},
		{"crc record with value", walpb.Record{Type: 4, Crc: 0xdeadbeef}},
		{"empty data", walpb.Record{Type: 1, Crc: 7, Data: []byte{}}},
		{"entry", walpb.Record{Type: 2, Crc: 1 << 31, Data: bytes.Repeat([]byte{1}, 300)}},
		{"big type", walpb.Record{Type: 1 << 40, Crc: 1, Data: []byte("x")}},
		{"negative type", walpb.Record{Type: -1, Crc: 1, Data: []byte("x")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			theirs := &etcdwalpb.Record{Type: i64(tc.rec.Type), Crc: u32(tc.rec.Crc), Data: tc.rec.Data}
			want, err := proto.Marshal(theirs)
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.rec.Marshal(); !bytes.Equal(got, want) {
				t.Fatalf("ours %x, etcd's %x", got, want)
			}
			if tc.rec.Size() != len(want) {
				t.Fatalf("size %d, want %d", tc.rec.Size(), len(want))
			}
			var back walpb.Record
			if err := back.Unmarshal(want); err != nil {
				t.Fatal(err)
			}
			if back.Type != tc.rec.Type || back.Crc != tc.rec.Crc || !bytes.Equal(back.Data, tc.rec.Data) || (back.Data == nil) != (tc.rec.Data == nil) {
				t.Fatalf("decoded %+v", back)
			}
		})
	}
}

func TestWALSnapshotBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    walpb.Snapshot
	}{
		{"initial", walpb.Snapshot{}},
		{"no conf state", walpb.Snapshot{Index: 5, Term: 1}},
		{"conf state", walpb.Snapshot{Index: 1 << 33, Term: 7, ConfState: confState(1, 2, 3)}},
		{"empty conf state", walpb.Snapshot{Index: 3, Term: 3, ConfState: &raftpb.ConfState{}}},
		{"joint", walpb.Snapshot{Index: 9, Term: 2, ConfState: &raftpb.ConfState{Voters: []uint64{1}, VotersOutgoing: []uint64{2}, LearnersNext: []uint64{3}, AutoLeave: proto.Bool(true)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			theirs := &etcdwalpb.Snapshot{Index: u64(tc.s.Index), Term: u64(tc.s.Term), ConfState: tc.s.ConfState}
			want, err := proto.Marshal(theirs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tc.s.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("ours %x, etcd's %x", got, want)
			}
			var back walpb.Snapshot
			if err := back.Unmarshal(want); err != nil {
				t.Fatal(err)
			}
			if back.Index != tc.s.Index || back.Term != tc.s.Term || !proto.Equal(back.ConfState, tc.s.ConfState) {
				t.Fatalf("decoded %v", &back)
			}
		})
	}
}

func TestSnappbBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    snappb.Snapshot
	}{
		{"data", snappb.Snapshot{Crc: 0x12345678, Data: []byte("snapshot")}},
		{"zero crc", snappb.Snapshot{Crc: 0, Data: []byte{1}}},
		{"no data", snappb.Snapshot{Crc: 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := proto.Marshal(&etcdsnappb.Snapshot{Crc: u32(tc.s.Crc), Data: tc.s.Data})
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.s.Marshal(); !bytes.Equal(got, want) {
				t.Fatalf("ours %x, etcd's %x", got, want)
			}
			var back snappb.Snapshot
			if err := back.Unmarshal(want); err != nil || back.Crc != tc.s.Crc || !bytes.Equal(back.Data, tc.s.Data) {
				t.Fatalf("decoded %+v %v", back, err)
			}
		})
	}
}
