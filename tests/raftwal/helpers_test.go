package raftwal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	etcdfileutil "go.etcd.io/etcd/client/pkg/v3/fileutil"
	etcdwal "go.etcd.io/etcd/server/v3/storage/wal"
	etcdwalpb "go.etcd.io/etcd/server/v3/storage/wal/walpb"
	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/wal"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

func u64(v uint64) *uint64 { return &v }

func entry(index, term uint64, typ raftpb.EntryType, data []byte) *raftpb.Entry {
	return &raftpb.Entry{Index: u64(index), Term: u64(term), Type: &typ, Data: data}
}

// entries returns first..last with term and data of size bytes; every
// fifth is a conf change, and some carry empty data, as raft produces.
func entries(first, last, term uint64, size int) []*raftpb.Entry {
	var out []*raftpb.Entry
	for i := first; i <= last; i++ {
		switch {
		case i%7 == 0:
			out = append(out, entry(i, term, raftpb.EntryNormal, nil)) // leader's empty entry
		case i%5 == 0:
			cc := &raftpb.ConfChange{Type: raftpb.ConfChangeAddNode.Enum(), NodeId: u64(i)}
			d, _ := proto.Marshal(cc)
			out = append(out, entry(i, term, raftpb.EntryConfChange, d))
		default:
			d := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, size/2)
			copy(d, fmt.Sprintf("entry-%d", i))
			out = append(out, entry(i, term, raftpb.EntryNormal, d))
		}
	}
	return out
}

func hardState(term, vote, commit uint64) *raftpb.HardState {
	return &raftpb.HardState{Term: u64(term), Vote: u64(vote), Commit: u64(commit)}
}

func confState(voters ...uint64) *raftpb.ConfState {
	return &raftpb.ConfState{Voters: voters, Learners: []uint64{9}}
}

func requireEntries(t *testing.T, want, got []*raftpb.Entry) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if !proto.Equal(want[i], got[i]) {
			t.Fatalf("entry %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func requireState(t *testing.T, want, got *raftpb.HardState) {
	t.Helper()
	if want.GetTerm() != got.GetTerm() || want.GetVote() != got.GetVote() || want.GetCommit() != got.GetCommit() {
		t.Fatalf("hard state: got %v, want %v", got, want)
	}
}

// rawRecord is a decoded record, as either implementation sees it.
type rawRecord struct {
	seg  string
	typ  int64
	crc  uint32
	data []byte
}

func (r rawRecord) String() string {
	return fmt.Sprintf("%s type=%d crc=%08x len=%d", r.seg, r.typ, r.crc, len(r.data))
}

// ourRecords lists the records of dir as our decoder reads them.
func ourRecords(t *testing.T, dir string) []rawRecord {
	t.Helper()
	var out []rawRecord
	err := wal.Records(wal.Config{}, dir, func(info wal.RecordInfo, rec *walpb.Record) error {
		out = append(out, rawRecord{seg: info.Segment, typ: rec.Type, crc: rec.Crc, data: bytes.Clone(rec.Data)})
		return nil
	})
	if err != nil {
		t.Fatalf("our decoder: %v", err)
	}
	return out
}

// etcdRecords lists the records of dir as etcd's decoder reads them, one
// segment at a time (each segment starts with its crc record).
func etcdRecords(t *testing.T, dir string) []rawRecord {
	t.Helper()
	names, err := etcdfileutil.ReadDir(dir, etcdfileutil.WithExt(".wal"))
	if err != nil {
		t.Fatal(err)
	}
	var out []rawRecord
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		dec := etcdwal.NewDecoder(etcdfileutil.NewFileReader(f))
		for {
			var rec etcdwalpb.Record
			err := dec.Decode(&rec)
			if err != nil {
				if err.Error() != "EOF" {
					f.Close()
					t.Fatalf("etcd decoder in %s: %v", n, err)
				}
				break
			}
			if rec.GetType() == etcdwal.CrcType {
				dec.UpdateCRC(rec.GetCrc())
			}
			out = append(out, rawRecord{seg: n, typ: rec.GetType(), crc: rec.GetCrc(), data: bytes.Clone(rec.GetData())})
		}
		f.Close()
	}
	return out
}

func requireSameRecords(t *testing.T, a, b []rawRecord) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d records vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].seg != b[i].seg || a[i].typ != b[i].typ || a[i].crc != b[i].crc || !bytes.Equal(a[i].data, b[i].data) || (a[i].data == nil) != (b[i].data == nil) {
			t.Fatalf("record %d: %v vs %v", i, a[i], b[i])
		}
	}
}
