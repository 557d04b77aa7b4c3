package wal

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/pkg/v3/fileutil/faultfs"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

func TestCreateSaveReadAll(t *testing.T) {
	for _, tc := range []struct {
		name     string
		metadata []byte
		batches  [][]*raftpb.Entry
		state    *raftpb.HardState
	}{
		{name: "empty", metadata: []byte("meta")},
		{name: "nil metadata", batches: [][]*raftpb.Entry{entries(1, 3, 1, 10)}, state: hardState(1, 1, 3)},
		{name: "one batch", metadata: []byte("m"), batches: [][]*raftpb.Entry{entries(1, 10, 1, 100)}, state: hardState(1, 2, 5)},
		{name: "many batches", metadata: []byte("m"), batches: [][]*raftpb.Entry{entries(1, 1, 1, 7), entries(2, 5, 1, 0), entries(6, 100, 2, 33)}, state: hardState(2, 2, 90)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "wal")
			w, err := Create(Config{}, dir, tc.metadata)
			if err != nil {
				t.Fatal(err)
			}
			var want []*raftpb.Entry
			for _, b := range tc.batches {
				if err := w.Save(nil, b); err != nil {
					t.Fatal(err)
				}
				want = append(want, b...)
			}
			if err := w.Save(tc.state, nil); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(dir + ".tmp"); !os.IsNotExist(err) {
				t.Fatalf("tmp dir left behind: %v", err)
			}
			w, err = Open(Config{}, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			md, st, ents, err := w.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if string(md) != string(tc.metadata) || (md == nil) != (tc.metadata == nil) {
				t.Fatalf("metadata %q, want %q", md, tc.metadata)
			}
			if tc.state != nil {
				requireState(t, tc.state, st)
			}
			requireEntries(t, want, ents)
		})
	}
}

func TestCreateExisting(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := Create(Config{}, dir, nil); !errors.Is(err, os.ErrExist) {
		t.Fatalf("got %v, want ErrExist", err)
	}
}

func TestSegmentCut(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentSizeBytes: 4096}
	w, err := Create(cfg, dir, []byte("metadata"))
	if err != nil {
		t.Fatal(err)
	}
	var want []*raftpb.Entry
	for i := uint64(1); i <= 200; i += 5 {
		b := entries(i, i+4, 3, 200)
		if err := w.Save(hardState(3, 1, i), b); err != nil {
			t.Fatal(err)
		}
		want = append(want, b...)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	names, err := fileutil.ReadDir(dir, fileutil.WithExt(".wal"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 10 {
		t.Fatalf("expected many segments, got %v", names)
	}
	// Names carry consecutive sequences and the index of their first entry.
	for i, n := range names {
		seq, idx, err := parseWALName(n)
		if err != nil || seq != uint64(i) {
			t.Fatalf("segment %d named %q", i, n)
		}
		if i > 0 && (idx-1)%5 != 0 {
			t.Fatalf("segment %q does not start at a batch boundary", n)
		}
	}
	all, _ := fileutil.ReadDir(dir)
	for _, n := range all {
		if filepath.Ext(n) == ".tmp" {
			t.Fatalf("left %s behind", n)
		}
	}
	// Every segment, read from its own start, begins with crc, metadata, state.
	w, err = Open(cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	md, st, ents, err := w.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if string(md) != "metadata" {
		t.Fatalf("metadata %q", md)
	}
	requireState(t, hardState(3, 1, 196), st)
	requireEntries(t, want, ents)
	// Appending after reopen continues the chain.
	more := entries(201, 260, 4, 200)
	if err := w.Save(hardState(4, 2, 250), more); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, _, ents, err = w.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	requireEntries(t, append(want, more...), ents)
}

func TestOpenAtSnapshot(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentSizeBytes: 2048}
	w, err := Create(cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := entries(1, 100, 1, 64)
	cs := &raftpb.ConfState{Voters: []uint64{1, 2, 3}}
	for i := 0; i < 100; i += 10 {
		if err := w.Save(hardState(1, 1, uint64(i+10)), all[i:i+10]); err != nil {
			t.Fatal(err)
		}
		if i == 50 {
			if err := w.SaveSnapshot(&walpb.Snapshot{Index: 55, Term: 1, ConfState: cs}); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.Close()

	for _, tc := range []struct {
		name    string
		snap    *walpb.Snapshot
		want    []*raftpb.Entry
		wantErr error
	}{
		{name: "start", snap: nil, want: all},
		{name: "snapshot", snap: &walpb.Snapshot{Index: 55, Term: 1}, want: all[55:]},
		{name: "missing", snap: &walpb.Snapshot{Index: 57, Term: 1}, want: all[57:], wantErr: ErrSnapshotNotFound},
		{name: "wrong term", snap: &walpb.Snapshot{Index: 55, Term: 2}, wantErr: ErrSnapshotMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Open(cfg, dir, tc.snap)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			_, _, ents, err := w.ReadAll()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil || tc.wantErr == ErrSnapshotNotFound {
				requireEntries(t, tc.want, ents)
			}
		})
	}

	snaps, err := ValidSnapshotEntries(Config{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 || snaps[1].Index != 55 || snaps[1].Term != 1 || len(snaps[1].ConfState.GetVoters()) != 3 {
		t.Fatalf("valid snapshots %v", snaps)
	}
	st, err := Verify(Config{}, dir, &walpb.Snapshot{Index: 55, Term: 1})
	if err != nil {
		t.Fatal(err)
	}
	requireState(t, hardState(1, 1, 100), st)
}

func TestOverwrittenEntries(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Save(hardState(1, 1, 2), entries(1, 5, 1, 8)); err != nil {
		t.Fatal(err)
	}
	// A new leader overwrites the uncommitted 3..5 with 3..4 of term 2.
	if err := w.Save(hardState(2, 2, 2), entries(3, 4, 2, 9)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, _, ents, err := w.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	requireEntries(t, append(entries(1, 2, 1, 8), entries(3, 4, 2, 9)...), ents)
}

func TestSliceOutOfRange(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Save(hardState(1, 1, 2), entries(1, 2, 1, 8)); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(nil, entries(5, 6, 1, 8)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, _, ents, err := w.ReadAll()
	if !errors.Is(err, ErrSliceOutOfRange) {
		t.Fatalf("got %v", err)
	}
	requireEntries(t, entries(1, 2, 1, 8), ents)
}

func TestLocking(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Config{}, dir, nil); !errors.Is(err, fileutil.ErrLocked) {
		t.Fatalf("second open while created: %v", err)
	}
	w.Close()
	w, err = Open(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Config{}, dir, nil); !errors.Is(err, fileutil.ErrLocked) {
		t.Fatalf("second open: %v", err)
	}
	// Readers do not lock.
	r, err := OpenForRead(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := r.ReadAll(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	w.Close()
	w, err = Open(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
}

func TestReleaseLockTo(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentSizeBytes: 1024}
	w, err := Create(cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := uint64(1); i <= 60; i++ {
		if err := w.Save(hardState(1, 1, i), entries(i, i, 1, 300)); err != nil {
			t.Fatal(err)
		}
	}
	names, _ := fileutil.ReadDir(dir, fileutil.WithExt(".wal"))
	if len(names) != len(w.segs) || len(names) < 10 {
		t.Fatalf("%d names, %d segments", len(names), len(w.segs))
	}
	_, idx4, _ := parseWALName(names[4])
	if err := w.ReleaseLockTo(idx4); err != nil {
		t.Fatal(err)
	}
	if len(w.segs) != len(names)-3 || w.segs[0].name != names[3] {
		t.Fatalf("kept %d from %s", len(w.segs), w.segs[0].name)
	}
	removed, err := fileutil.PurgeOnce(dir, ".wal", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 3 {
		t.Fatalf("purged %v", removed)
	}
	if err := w.ReleaseLockTo(1 << 62); err != nil {
		t.Fatal(err)
	}
	if len(w.segs) != 1 {
		t.Fatalf("kept %d", len(w.segs))
	}
}

func TestSyncCount(t *testing.T) {
	fs := faultfs.New(nil)
	dir := t.TempDir()
	w, err := Create(Config{FS: fs}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tc := range []struct {
		name      string
		st        *raftpb.HardState
		ents      []*raftpb.Entry
		syncs     int
		writesMax int
	}{
		{name: "nothing", syncs: 0},
		{name: "empty state", st: &raftpb.HardState{}, syncs: 0},
		{name: "entries", ents: entries(1, 100, 1, 256), syncs: 1, writesMax: 1},
		{name: "term", st: hardState(2, 0, 0), syncs: 1, writesMax: 1},
		{name: "vote", st: hardState(2, 1, 0), syncs: 1, writesMax: 1},
		{name: "commit only", st: hardState(2, 1, 50), syncs: 0, writesMax: 0},
		{name: "entries and state", st: hardState(2, 1, 60), ents: entries(101, 110, 2, 256), syncs: 1, writesMax: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s0, w0 := fs.Count(faultfs.OpSync), fs.Count(faultfs.OpWrite)
			if err := w.Save(tc.st, tc.ents); err != nil {
				t.Fatal(err)
			}
			if got := fs.Count(faultfs.OpSync) - s0; got != tc.syncs {
				t.Fatalf("%d syncs, want %d", got, tc.syncs)
			}
			if got := fs.Count(faultfs.OpWrite) - w0; got > tc.writesMax {
				t.Fatalf("%d writes, want at most %d", got, tc.writesMax)
			}
		})
	}
}

func TestReadOnlyAndClosed(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := w.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if err := w.Save(hardState(1, 1, 1), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("save after close: %v", err)
	}
	r, err := OpenForRead(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Save(hardState(1, 1, 1), nil); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("save read-only: %v", err)
	}
	r.Close()
	o, err := Open(Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if err := o.Save(hardState(1, 1, 1), nil); !errors.Is(err, ErrNotReadOut) {
		t.Fatalf("save before ReadAll: %v", err)
	}
	if _, err := Open(Config{}, t.TempDir(), nil); !errors.Is(err, ErrFileNotFound) {
		t.Fatalf("open empty dir: %v", err)
	}
	_ = io.EOF
}

func TestRecords(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{SegmentSizeBytes: 2048}
	w, err := Create(cfg, dir, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	for i := uint64(1); i <= 30; i += 3 {
		if err := w.Save(hardState(1, 1, i), entries(i, i+2, 1, 100)); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	counts := map[int64]int{}
	segs := map[string]bool{}
	err = Records(Config{}, dir, func(info RecordInfo, rec *walpb.Record) error {
		counts[rec.Type]++
		segs[info.Segment] = true
		if info.Offset%8 != 0 {
			t.Fatalf("offset %d", info.Offset)
		}
		if rec.Type == CrcType && info.Offset != 0 {
			t.Fatalf("crc record at %s:%d", info.Segment, info.Offset)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if counts[EntryType] != 30 || counts[CrcType] != len(segs) || counts[MetadataType] != len(segs) || counts[SnapshotType] != 1 {
		t.Fatalf("counts %v over %d segments", counts, len(segs))
	}
}
