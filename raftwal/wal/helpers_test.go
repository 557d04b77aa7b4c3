package wal

import (
	"bytes"
	"fmt"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

func u64(v uint64) *uint64 { return &v }

func entry(index, term uint64, data []byte) *raftpb.Entry {
	typ := raftpb.EntryNormal
	return &raftpb.Entry{Index: u64(index), Term: u64(term), Type: &typ, Data: data}
}

// entries returns entries first..last with term and distinct data.
func entries(first, last, term uint64, size int) []*raftpb.Entry {
	var out []*raftpb.Entry
	for i := first; i <= last; i++ {
		d := bytes.Repeat([]byte{byte(i)}, size)
		copy(d, fmt.Sprintf("e%d", i))
		out = append(out, entry(i, term, d))
	}
	return out
}

func hardState(term, vote, commit uint64) *raftpb.HardState {
	return &raftpb.HardState{Term: u64(term), Vote: u64(vote), Commit: u64(commit)}
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
