package snap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/pkg/v3/fileutil/faultfs"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

func u64(v uint64) *uint64 { return &v }

func snapshot(term, index uint64) *raftpb.Snapshot {
	return &raftpb.Snapshot{
		Data: bytes.Repeat([]byte{byte(index)}, 1000),
		Metadata: &raftpb.SnapshotMetadata{
			Index:     u64(index),
			Term:      u64(term),
			ConfState: &raftpb.ConfState{Voters: []uint64{1, 2, 3}},
		},
	}
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	s := New(Config{}, dir)
	if _, err := s.Load(); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("load from empty dir: %v", err)
	}
	if err := s.SaveSnap(&raftpb.Snapshot{}); err != nil {
		t.Fatal(err)
	}
	if names, _ := fileutil.ReadDir(dir); len(names) != 0 {
		t.Fatalf("empty snapshot written: %v", names)
	}
	for _, sn := range []*raftpb.Snapshot{snapshot(1, 10), snapshot(2, 20), snapshot(2, 30)} {
		if err := s.SaveSnap(sn); err != nil {
			t.Fatal(err)
		}
	}
	names, _ := fileutil.ReadDir(dir)
	want := []string{"0000000000000001-000000000000000a.snap", "0000000000000002-0000000000000014.snap", "0000000000000002-000000000000001e.snap"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("files %v, want %v", names, want)
	}
	got, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, snapshot(2, 30)) {
		t.Fatalf("loaded %v", got.GetMetadata())
	}
	got, err = s.LoadNewestAvailable([]*walpb.Snapshot{{Index: 10, Term: 1}, {Index: 20, Term: 2}})
	if err != nil || got.GetMetadata().GetIndex() != 20 {
		t.Fatalf("newest available: %v %v", got.GetMetadata(), err)
	}
	if _, err := s.LoadNewestAvailable([]*walpb.Snapshot{{Index: 20, Term: 1}}); !errors.Is(err, ErrNoSnapshot) {
		t.Fatalf("no match: %v", err)
	}
	removed, err := s.Purge(1)
	if err != nil || len(removed) != 2 {
		t.Fatalf("purge: %v %v", removed, err)
	}
}

func TestLoadSkipsBroken(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(path string) error
		wantErr error
	}{
		{name: "flipped bit", corrupt: func(p string) error { return faultfs.FlipBit(p, 500, 3) }, wantErr: ErrCRCMismatch},
		{name: "empty", corrupt: func(p string) error { return os.Truncate(p, 0) }, wantErr: ErrEmptySnapshot},
		{name: "truncated", corrupt: func(p string) error { return os.Truncate(p, 300) }},
		{name: "zeroed crc", corrupt: func(p string) error {
			b, _ := os.ReadFile(p)
			// The envelope starts 08 <crc varint>: zero it as a crc of 0.
			nb := append([]byte{0x08, 0x00}, b[6:]...)
			return os.WriteFile(p, nb, 0o600)
		}, wantErr: ErrEmptySnapshot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := New(Config{}, dir)
			if err := s.SaveSnap(snapshot(1, 10)); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveSnap(snapshot(1, 20)); err != nil {
				t.Fatal(err)
			}
			newest := filepath.Join(dir, SnapName(1, 20))
			if err := tc.corrupt(newest); err != nil {
				t.Fatal(err)
			}
			if _, err := Read(Config{}, newest); err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
				t.Fatalf("read: %v, want %v", err, tc.wantErr)
			}
			got, err := s.Load()
			if err != nil {
				t.Fatal(err)
			}
			if got.GetMetadata().GetIndex() != 10 {
				t.Fatalf("loaded index %d", got.GetMetadata().GetIndex())
			}
			if !fileutil.Exist(newest+".broken") || fileutil.Exist(newest) {
				t.Fatal("broken snapshot not renamed")
			}
		})
	}
}

func TestSaveSnapCrash(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inject faultfs.Injector
		crash  faultfs.Crash
		saved  bool // SaveSnap returned nil, so the file must survive
	}{
		{name: "crash after save", saved: true},
		{name: "fsync fails", inject: func(op faultfs.Op, _ string) error {
			if op == faultfs.OpSync {
				return faultfs.ErrInjected
			}
			return nil
		}, crash: faultfs.Crash{KeepSectors: 1}},
		{name: "dir sync fails", inject: func(op faultfs.Op, _ string) error {
			if op == faultfs.OpSyncDir {
				return faultfs.ErrInjected
			}
			return nil
		}},
		{name: "write fails", inject: func(op faultfs.Op, _ string) error {
			if op == faultfs.OpWrite {
				return faultfs.ErrInjected
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fs := faultfs.New(nil)
			s := New(Config{FS: fs}, dir)
			if err := s.SaveSnap(snapshot(1, 10)); err != nil {
				t.Fatal(err)
			}
			fs.SetInjector(tc.inject)
			err := s.SaveSnap(snapshot(1, 20))
			if (err == nil) != tc.saved {
				t.Fatalf("save: %v", err)
			}
			if err := fs.Crash(tc.crash); err != nil {
				t.Fatal(err)
			}
			got, err := New(Config{}, dir).Load()
			if err != nil {
				t.Fatal(err)
			}
			want := uint64(10)
			if tc.saved {
				want = 20
			}
			if got.GetMetadata().GetIndex() != want {
				t.Fatalf("loaded %d, want %d", got.GetMetadata().GetIndex(), want)
			}
			names, _ := fileutil.ReadDir(dir)
			for _, n := range names {
				if strings.HasSuffix(n, ".broken") || strings.HasSuffix(n, ".tmp") {
					t.Fatalf("left %s", n)
				}
			}
		})
	}
}

func TestSaveDBFrom(t *testing.T) {
	dir := t.TempDir()
	s := New(Config{}, dir)
	if _, err := s.DBFilePath(5); !errors.Is(err, ErrNoDBSnapshot) {
		t.Fatalf("missing db: %v", err)
	}
	data := bytes.Repeat([]byte("bolt"), 5000)
	n, err := s.SaveDBFrom(bytes.NewReader(data), 5)
	if err != nil || n != int64(len(data)) {
		t.Fatalf("save: %d %v", n, err)
	}
	p, err := s.DBFilePath(5)
	if err != nil || filepath.Base(p) != "0000000000000005.snap.db" {
		t.Fatalf("path %q %v", p, err)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, data) {
		t.Fatal("content differs")
	}
	// Saving the same index again keeps the first file.
	if _, err := s.SaveDBFrom(bytes.NewReader([]byte("other")), 5); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, data) {
		t.Fatal("second save replaced the file")
	}
	if _, err := s.SaveDBFrom(bytes.NewReader(data), 9); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseSnapDBs(snapshot(1, 9)); err != nil {
		t.Fatal(err)
	}
	names, _ := fileutil.ReadDir(dir)
	if strings.Join(names, ",") != "0000000000000009.snap.db" {
		t.Fatalf("left %v", names)
	}
}
