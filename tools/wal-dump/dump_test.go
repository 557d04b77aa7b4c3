package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/snap"
	"github.com/etcdgo/etcd/raftwal/v3/wal"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

func u64(v uint64) *uint64 { return &v }

func makeDataDir(t *testing.T) string {
	t.Helper()
	dataDir := t.TempDir()
	walDir := filepath.Join(dataDir, "member", "wal")
	snapDir := filepath.Join(dataDir, "member", "snap")
	if err := os.MkdirAll(snapDir, 0o700); err != nil {
		t.Fatal(err)
	}
	var md []byte
	md = protowire.AppendTag(md, 1, protowire.VarintType)
	md = protowire.AppendVarint(md, 0xabc)
	md = protowire.AppendTag(md, 2, protowire.VarintType)
	md = protowire.AppendVarint(md, 0xdef)
	w, err := wal.Create(wal.Config{}, walDir, md)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cc, _ := proto.Marshal(&raftpb.ConfChange{Type: raftpb.ConfChangeAddNode.Enum(), NodeId: u64(0xabc)})
	conf, norm := raftpb.EntryConfChange, raftpb.EntryNormal
	ents := []*raftpb.Entry{
		{Term: u64(1), Index: u64(1), Type: &conf, Data: cc},
		{Term: u64(2), Index: u64(2), Type: &norm},
		{Term: u64(2), Index: u64(3), Type: &norm, Data: []byte("put foo bar, a long enough value to be cut in the preview")},
		{Term: u64(2), Index: u64(4), Type: &norm, Data: []byte("after snapshot")},
	}
	if err := w.Save(&raftpb.HardState{Term: u64(2), Vote: u64(0xabc), Commit: u64(4)}, ents); err != nil {
		t.Fatal(err)
	}
	cs := &raftpb.ConfState{Voters: []uint64{0xabc}}
	if err := snap.New(snap.Config{}, snapDir).SaveSnap(&raftpb.Snapshot{Data: []byte("state"), Metadata: &raftpb.SnapshotMetadata{Index: u64(3), Term: u64(2), ConfState: cs}}); err != nil {
		t.Fatal(err)
	}
	if err := w.SaveSnapshot(&walpb.Snapshot{Index: 3, Term: 2, ConfState: cs}); err != nil {
		t.Fatal(err)
	}
	return dataDir
}

func TestDump(t *testing.T) {
	dataDir := makeDataDir(t)
	for _, tc := range []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{
			name: "from snapshot",
			args: []string{dataDir},
			want: []string{"term=2 index=3 nodes=[2748]", "nodeID=abc clusterID=def term=2 commitIndex=4 vote=2748", "WAL entries: 1", "616674657220736e617073686f74", "Entry types (norm,conf,confv2) count is : (1,0,0)"},
		},
		{
			name: "from index",
			args: []string{"-start-index", "1", dataDir},
			want: []string{"Start dumping log entries from index 1.", "WAL entries: 4", "method=ConfChangeAddNode id=abc", "(empty)", "7075742066", "...", "count is : (3,1,0)"},
			not:  []string{"Snapshot:"},
		},
		{
			name: "records",
			args: []string{"-records", dataDir},
			want: []string{"0000000000000000-0000000000000000.wal  0       crc", "metadata", "entry", "state", "snapshot"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(tc.args, &out, &errOut); err != nil {
				t.Fatalf("%v\n%s", err, errOut.String())
			}
			s := out.String()
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("output lacks %q:\n%s", w, s)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(s, n) {
					t.Errorf("output has %q:\n%s", n, s)
				}
			}
		})
	}
}

func TestDumpUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(nil, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "Usage") {
		t.Fatalf("%v %q", err, errOut.String())
	}
}
