package raftwal

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	etcdsnap "go.etcd.io/etcd/server/v3/etcdserver/api/snap"
	etcdwalpb "go.etcd.io/etcd/server/v3/storage/wal/walpb"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcdgo/etcd/raftwal/v3/snap"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

func raftSnapshot(term, index uint64, size int) *raftpb.Snapshot {
	return &raftpb.Snapshot{
		Data: bytes.Repeat([]byte{0xab, byte(index)}, size/2),
		Metadata: &raftpb.SnapshotMetadata{
			Index:     u64(index),
			Term:      u64(term),
			ConfState: confState(1, 2, 3),
		},
	}
}

func TestSnapFilesBothWays(t *testing.T) {
	snaps := []*raftpb.Snapshot{raftSnapshot(1, 10, 100), raftSnapshot(2, 300, 5000), raftSnapshot(2, 0x1234, 64*1024)}
	ourDir, etcdDir := t.TempDir(), t.TempDir()
	ours := snap.New(snap.Config{}, ourDir)
	theirs := etcdsnap.New(zap.NewNop(), etcdDir)
	for _, s := range snaps {
		if err := ours.SaveSnap(s); err != nil {
			t.Fatal(err)
		}
		if err := theirs.SaveSnap(s); err != nil {
			t.Fatal(err)
		}
	}
	// Same names, same bytes.
	for _, s := range snaps {
		name := snap.SnapName(s.GetMetadata().GetTerm(), s.GetMetadata().GetIndex())
		a, err := os.ReadFile(filepath.Join(ourDir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(etcdDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("%s differs", name)
		}
	}
	// Each loads the other's newest.
	got, err := snap.New(snap.Config{}, etcdDir).Load()
	if err != nil || !proto.Equal(got, snaps[2]) {
		t.Fatalf("we load etcd's: %v", err)
	}
	egot, err := etcdsnap.New(zap.NewNop(), ourDir).Load()
	if err != nil || !proto.Equal(egot, snaps[2]) {
		t.Fatalf("etcd loads ours: %v", err)
	}
	got, err = snap.New(snap.Config{}, etcdDir).LoadNewestAvailable([]*walpb.Snapshot{{Index: 300, Term: 2}})
	if err != nil || got.GetMetadata().GetIndex() != 300 {
		t.Fatalf("newest available: %v", err)
	}
	egot, err = etcdsnap.New(zap.NewNop(), ourDir).LoadNewestAvailable([]*etcdwalpb.Snapshot{{Index: u64(10), Term: u64(1)}})
	if err != nil || egot.GetMetadata().GetIndex() != 10 {
		t.Fatalf("etcd newest available: %v", err)
	}
}

func TestSnapDBBothWays(t *testing.T) {
	ourDir, etcdDir := t.TempDir(), t.TempDir()
	data := bytes.Repeat([]byte("db"), 10000)
	if _, err := snap.New(snap.Config{}, ourDir).SaveDBFrom(bytes.NewReader(data), 0x42); err != nil {
		t.Fatal(err)
	}
	if _, err := etcdsnap.New(zap.NewNop(), etcdDir).SaveDBFrom(bytes.NewReader(data), 0x42); err != nil {
		t.Fatal(err)
	}
	p, err := etcdsnap.New(zap.NewNop(), ourDir).DBFilePath(0x42)
	if err != nil {
		t.Fatalf("etcd finds our db: %v", err)
	}
	q, err := snap.New(snap.Config{}, etcdDir).DBFilePath(0x42)
	if err != nil {
		t.Fatalf("we find etcd's db: %v", err)
	}
	if filepath.Base(p) != filepath.Base(q) {
		t.Fatalf("names %s vs %s", p, q)
	}
}
