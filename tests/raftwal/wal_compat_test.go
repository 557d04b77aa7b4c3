package raftwal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	etcdfileutil "go.etcd.io/etcd/client/pkg/v3/fileutil"
	etcdwal "go.etcd.io/etcd/server/v3/storage/wal"
	etcdwalpb "go.etcd.io/etcd/server/v3/storage/wal/walpb"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/raftwal/v3/wal"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// walScript is one sequence of writes, applied through either WAL.
type walStep struct {
	st   *raftpb.HardState
	ents []*raftpb.Entry
	snap *walpb.Snapshot // SaveSnapshot instead of Save when set
}

// script writes 200 entries in batches, with overwritten uncommitted
// entries, term changes and two snapshots.
func script() (steps []walStep, wantEnts []*raftpb.Entry, wantState *raftpb.HardState) {
	var all []*raftpb.Entry
	add := func(st *raftpb.HardState, ents []*raftpb.Entry) {
		steps = append(steps, walStep{st: st, ents: ents})
		if len(ents) > 0 {
			first := ents[0].GetIndex()
			all = append(all[:first-1], ents...)
		}
		if st != nil {
			wantState = st
		}
	}
	add(hardState(1, 1, 0), nil)
	for i := uint64(1); i <= 100; i += 10 {
		add(hardState(1, 1, i), entries(i, i+9, 1, 300))
	}
	// A new leader overwrites 96..100 with term 2.
	add(hardState(2, 2, 95), entries(96, 120, 2, 200))
	steps = append(steps, walStep{snap: &walpb.Snapshot{Index: 90, Term: 1, ConfState: confState(1, 2, 3)}})
	for i := uint64(121); i <= 200; i += 20 {
		add(hardState(2, 2, i), entries(i, i+19, 2, 500))
	}
	add(hardState(2, 2, 200), nil) // commit only: no sync
	steps = append(steps, walStep{snap: &walpb.Snapshot{Index: 180, Term: 2, ConfState: confState(1, 2)}})
	return steps, all, wantState
}

func etcdSnap(s *walpb.Snapshot) *etcdwalpb.Snapshot {
	if s == nil {
		return &etcdwalpb.Snapshot{Index: u64(0), Term: u64(0)}
	}
	return &etcdwalpb.Snapshot{Index: u64(s.Index), Term: u64(s.Term), ConfState: s.ConfState}
}

// writeEtcd runs the script through etcd's WAL.
func writeEtcd(t *testing.T, dir string, metadata []byte, segBytes int64) {
	t.Helper()
	old := etcdwal.SegmentSizeBytes
	etcdwal.SegmentSizeBytes = segBytes
	defer func() { etcdwal.SegmentSizeBytes = old }()
	w, err := etcdwal.Create(zap.NewNop(), dir, metadata)
	if err != nil {
		t.Fatal(err)
	}
	steps, _, _ := script()
	for _, s := range steps {
		if s.snap != nil {
			err = w.SaveSnapshot(etcdSnap(s.snap))
		} else {
			err = w.Save(s.st, s.ents)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeOurs runs the script through our WAL.
func writeOurs(t *testing.T, dir string, metadata []byte, segBytes int64) {
	t.Helper()
	w, err := wal.Create(wal.Config{SegmentSizeBytes: segBytes}, dir, metadata)
	if err != nil {
		t.Fatal(err)
	}
	steps, _, _ := script()
	for _, s := range steps {
		if s.snap != nil {
			err = w.SaveSnapshot(s.snap)
		} else {
			err = w.Save(s.st, s.ents)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

var segmentSizes = []struct {
	name  string
	bytes int64
}{
	{"default segment", wal.DefaultSegmentSizeBytes},
	{"16KiB segments", 16 * 1024},
}

func TestEtcdWritesWeRead(t *testing.T) {
	for _, sz := range segmentSizes {
		t.Run(sz.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "wal")
			writeEtcd(t, dir, []byte("etcd-metadata"), sz.bytes)
			_, wantEnts, wantState := script()

			// Record for record, our decoder sees what etcd's sees.
			requireSameRecords(t, etcdRecords(t, dir), ourRecords(t, dir))

			for _, at := range []*walpb.Snapshot{nil, {Index: 90, Term: 1}, {Index: 180, Term: 2}} {
				w, err := wal.Open(wal.Config{SegmentSizeBytes: sz.bytes}, dir, at)
				if err != nil {
					t.Fatal(err)
				}
				md, st, ents, err := w.ReadAll()
				if err != nil {
					t.Fatalf("ReadAll at %v: %v", at, err)
				}
				if string(md) != "etcd-metadata" {
					t.Fatalf("metadata %q", md)
				}
				requireState(t, wantState, st)
				requireEntries(t, wantEnts[at.GetIndex():], ents)
				// And we append to etcd's log; etcd reads the result.
				more := entries(201, 230, 3, 100)
				if at.GetIndex() == 180 {
					if err := w.Save(hardState(3, 1, 230), more); err != nil {
						t.Fatal(err)
					}
				}
				w.Close()
			}
			ew, err := etcdwal.Open(zap.NewNop(), dir, etcdSnap(&walpb.Snapshot{Index: 180, Term: 2}))
			if err != nil {
				t.Fatal(err)
			}
			_, est, eents, err := ew.ReadAll()
			ew.Close()
			if err != nil {
				t.Fatal(err)
			}
			requireState(t, hardState(3, 1, 230), est)
			requireEntries(t, append(wantEnts[180:], entries(201, 230, 3, 100)...), eents)

			snaps, err := wal.ValidSnapshotEntries(wal.Config{}, dir)
			if err != nil || len(snaps) != 3 || snaps[2].Index != 180 {
				t.Fatalf("valid snapshots %v %v", snaps, err)
			}
			if _, err := wal.Verify(wal.Config{}, dir, &walpb.Snapshot{Index: 90, Term: 1}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWeWriteEtcdReads(t *testing.T) {
	for _, sz := range segmentSizes {
		t.Run(sz.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "wal")
			writeOurs(t, dir, []byte("our-metadata"), sz.bytes)
			_, wantEnts, wantState := script()

			requireSameRecords(t, ourRecords(t, dir), etcdRecords(t, dir))
			if sz.bytes < wal.DefaultSegmentSizeBytes {
				names, _ := fileutil.ReadDir(dir, fileutil.WithExt(".wal"))
				if len(names) < 3 {
					t.Fatalf("expected several segments, got %v", names)
				}
			}

			old := etcdwal.SegmentSizeBytes
			etcdwal.SegmentSizeBytes = sz.bytes
			defer func() { etcdwal.SegmentSizeBytes = old }()
			for _, at := range []*walpb.Snapshot{nil, {Index: 90, Term: 1}, {Index: 180, Term: 2}} {
				w, err := etcdwal.Open(zap.NewNop(), dir, etcdSnap(at))
				if err != nil {
					t.Fatal(err)
				}
				md, st, ents, err := w.ReadAll()
				if err != nil {
					t.Fatalf("etcd ReadAll at %v: %v", at, err)
				}
				if string(md) != "our-metadata" {
					t.Fatalf("metadata %q", md)
				}
				requireState(t, wantState, st)
				requireEntries(t, wantEnts[at.GetIndex():], ents)
				if at.GetIndex() == 180 {
					// etcd appends to our log; we read the result.
					if err := w.Save(hardState(3, 1, 230), entries(201, 230, 3, 100)); err != nil {
						t.Fatal(err)
					}
				}
				w.Close()
			}
			w, err := wal.Open(wal.Config{}, dir, &walpb.Snapshot{Index: 180, Term: 2})
			if err != nil {
				t.Fatal(err)
			}
			_, st, ents, err := w.ReadAll()
			w.Close()
			if err != nil {
				t.Fatal(err)
			}
			requireState(t, hardState(3, 1, 230), st)
			requireEntries(t, append(wantEnts[180:], entries(201, 230, 3, 100)...), ents)

			esnaps, err := etcdwal.ValidSnapshotEntries(zap.NewNop(), dir)
			if err != nil || len(esnaps) != 3 || esnaps[2].GetIndex() != 180 {
				t.Fatalf("etcd valid snapshots %v %v", esnaps, err)
			}
			if _, err := etcdwal.Verify(zap.NewNop(), dir, etcdSnap(&walpb.Snapshot{Index: 90, Term: 1})); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSameBytes writes the same script through both WALs, without segment
// cuts, and compares the segment files byte for byte.
func TestSameBytes(t *testing.T) {
	for _, md := range [][]byte{[]byte("metadata"), nil} {
		root := t.TempDir()
		ours, theirs := filepath.Join(root, "ours"), filepath.Join(root, "etcd")
		writeOurs(t, ours, md, wal.DefaultSegmentSizeBytes)
		writeEtcd(t, theirs, md, wal.DefaultSegmentSizeBytes)
		name := "0000000000000000-0000000000000000.wal"
		a, err := os.ReadFile(filepath.Join(ours, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(theirs, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) {
			t.Fatalf("sizes %d vs %d", len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("metadata %q: first difference at byte %d", md, i)
			}
		}
	}
}

// TestTornTailRepairedByEither tears the last record of a log written by
// one implementation and repairs it with the other.
func TestTornTailRepairedByEither(t *testing.T) {
	for _, tc := range []struct {
		name   string
		write  func(t *testing.T, dir string)
		repair func(dir string) error
	}{
		{name: "etcd log, our repair", write: func(t *testing.T, dir string) { writeEtcd(t, dir, []byte("m"), wal.DefaultSegmentSizeBytes) },
			repair: func(dir string) error { return wal.Repair(wal.Config{}, dir) }},
		{name: "our log, etcd repair", write: func(t *testing.T, dir string) { writeOurs(t, dir, []byte("m"), wal.DefaultSegmentSizeBytes) },
			repair: func(dir string) error {
				if !etcdwal.Repair(zap.NewNop(), dir) {
					return errors.New("etcd repair failed")
				}
				return nil
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "wal")
			tc.write(t, dir)
			recs := ourRecords(t, dir)
			// Zero the second half of the last entry record's sectors.
			path := filepath.Join(dir, "0000000000000000-0000000000000000.wal")
			var end int64
			for _, r := range recs {
				end += 8 + int64(len(walRecordBytes(r)))
				if pad := (8 - len(walRecordBytes(r))%8) % 8; pad > 0 {
					end += int64(pad)
				}
			}
			// Append a record by hand: a torn entry (length word, then
			// zeros where its sectors never reached the disk).
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			hdr := []byte{0x00, 0x04, 0, 0, 0, 0, 0, 0} // 1024-byte record
			if _, err := f.WriteAt(hdr, end); err != nil {
				t.Fatal(err)
			}
			f.Close()
			w, err := wal.Open(wal.Config{}, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, _, err = w.ReadAll()
			w.Close()
			if err == nil {
				t.Fatal("torn tail not detected")
			}
			ew, err := etcdwal.Open(zap.NewNop(), dir, etcdSnap(nil))
			if err != nil {
				t.Fatal(err)
			}
			_, _, _, eerr := ew.ReadAll()
			ew.Close()
			if eerr == nil {
				t.Fatal("etcd did not detect the torn tail")
			}
			if err := tc.repair(dir); err != nil {
				t.Fatal(err)
			}
			_, wantEnts, _ := script()
			w, err = wal.Open(wal.Config{}, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _, ents, err := w.ReadAll()
			w.Close()
			if err != nil {
				t.Fatal(err)
			}
			requireEntries(t, wantEnts, ents)
		})
	}
}

func walRecordBytes(r rawRecord) []byte {
	rec := walpb.Record{Type: r.typ, Crc: r.crc, Data: r.data}
	return rec.Marshal()
}

// TestLocksExcludeEtcd: while one implementation has the WAL open for
// writing, the other cannot open it.
func TestLocksExcludeEtcd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wal")
	writeOurs(t, dir, nil, wal.DefaultSegmentSizeBytes)

	w, err := wal.Open(wal.Config{}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := etcdwal.Open(zap.NewNop(), dir, etcdSnap(nil)); !errors.Is(err, etcdfileutil.ErrLocked) {
		t.Fatalf("etcd opened a WAL we hold: %v", err)
	}
	w.Close()

	ew, err := etcdwal.Open(zap.NewNop(), dir, etcdSnap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wal.Open(wal.Config{}, dir, nil); !errors.Is(err, fileutil.ErrLocked) {
		t.Fatalf("we opened a WAL etcd holds: %v", err)
	}
	ew.Close()
}
