package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/pkg/v3/fileutil/faultfs"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// failNth returns a maker of injectors that fail the skip+1-th operation
// op (and every one after it: a process that saw an I/O error does not get
// to do more).
func failNth(op faultfs.Op, skip int) func() faultfs.Injector {
	return func() faultfs.Injector { return failNthInjector(op, skip) }
}

func failNthInjector(op faultfs.Op, skip int) faultfs.Injector {
	seen := 0
	return func(o faultfs.Op, _ string) error {
		if o != op {
			return nil
		}
		seen++
		if seen > skip {
			return faultfs.ErrInjected
		}
		return nil
	}
}

// reopen opens dir on the real file system and reads it all, repairing a
// torn tail once if needed.
func reopen(t *testing.T, cfg Config, dir string) (*WAL, *raftpb.HardState, []*raftpb.Entry, bool) {
	t.Helper()
	cfg.FS = nil
	repaired := false
	for attempt := 0; ; attempt++ {
		w, err := Open(cfg, dir, nil)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		_, st, ents, err := w.ReadAll()
		if err == nil {
			return w, st, ents, repaired
		}
		w.Close()
		if !errors.Is(err, io.ErrUnexpectedEOF) || attempt > 0 {
			t.Fatalf("read all (attempt %d): %v", attempt, err)
		}
		if errors.Is(err, ErrCRCMismatch) {
			t.Fatalf("torn write reported as corruption: %v", err)
		}
		if err := Repair(cfg, dir); err != nil {
			t.Fatalf("repair: %v", err)
		}
		repaired = true
	}
}

// requirePrefix checks that got holds every acknowledged entry and that
// anything after them is a prefix of the unacknowledged batch.
func requirePrefix(t *testing.T, acked, pending, got []*raftpb.Entry) {
	t.Helper()
	if len(got) < len(acked) {
		t.Fatalf("lost acknowledged entries: have %d of %d", len(got), len(acked))
	}
	requireEntries(t, acked, got[:len(acked)])
	extra := got[len(acked):]
	if len(extra) > len(pending) {
		t.Fatalf("%d entries beyond what was written", len(extra)-len(pending))
	}
	requireEntries(t, pending[:len(extra)], extra)
}

func TestCrashRecovery(t *testing.T) {
	type fault struct {
		name   string
		inject func() faultfs.Injector // armed before the last Save
		crash  faultfs.Crash
	}
	var faults []fault
	// The process dies after its write reached the page cache but before
	// fsync finished; the crash keeps 0..n sectors of what was unsynced.
	for _, k := range []int{0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 40} {
		faults = append(faults, fault{
			name:   fmt.Sprintf("die before fsync keep %d sectors", k),
			inject: failNth(faultfs.OpSync, 0),
			crash:  faultfs.Crash{KeepSectors: k},
		})
	}
	faults = append(faults,
		fault{name: "die before fsync keep all", inject: failNth(faultfs.OpSync, 0), crash: faultfs.Crash{KeepSectors: -1}},
		fault{name: "zeroed tail", inject: failNth(faultfs.OpSync, 0), crash: faultfs.Crash{Zero: true}},
		fault{name: "half page then zeroed tail", inject: failNth(faultfs.OpSync, 0), crash: faultfs.Crash{KeepSectors: 4, Zero: true}},
		fault{name: "write error", inject: failNth(faultfs.OpWrite, 0), crash: faultfs.Crash{}},
		fault{name: "fsync error then crash", inject: failNth(faultfs.OpSync, 0), crash: faultfs.Crash{KeepSectors: 3}},
		fault{name: "cut: second sync fails", inject: failNth(faultfs.OpSync, 1), crash: faultfs.Crash{KeepSectors: 2}},
		fault{name: "cut: rename fails", inject: failNth(faultfs.OpRename, 0), crash: faultfs.Crash{KeepSectors: -1}},
		fault{name: "cut: dir sync fails", inject: failNth(faultfs.OpSyncDir, 0), crash: faultfs.Crash{}},
		fault{name: "cut: truncate fails", inject: failNth(faultfs.OpTruncate, 0), crash: faultfs.Crash{}},
	)
	for _, f := range faults {
		for _, segBytes := range []int64{64 * 1024, 8 * 1024} {
			t.Run(fmt.Sprintf("%s/segment %d", f.name, segBytes), func(t *testing.T) {
				fs := faultfs.New(nil)
				dir := filepath.Join(t.TempDir(), "wal")
				cfg := Config{FS: fs, SegmentSizeBytes: segBytes}
				w, err := Create(cfg, dir, []byte("meta"))
				if err != nil {
					t.Fatal(err)
				}
				var acked []*raftpb.Entry
				next := uint64(1)
				lastState := hardState(1, 1, 0)
				for i := 0; i < 6; i++ {
					b := entries(next, next+6, 1, 300)
					st := hardState(1, 1, next)
					if err := w.Save(st, b); err != nil {
						t.Fatal(err)
					}
					acked = append(acked, b...)
					next += 7
					lastState = st
				}
				// The batch that meets the fault: about 20 sectors.
				pending := entries(next, next+19, 2, 480)
				fs.SetInjector(f.inject())
				saveErr := w.Save(hardState(2, 2, next), pending)
				if saveErr == nil {
					// The fault did not hit this Save (no cut happened):
					// the batch is acknowledged.
					acked, pending = append(acked, pending...), nil
				} else if err := w.Save(hardState(2, 2, next), entries(next+20, next+20, 2, 8)); !errors.Is(err, ErrFailed) {
					// Writes that follow a failed one must not succeed.
					t.Fatalf("save after failure: %v, want ErrFailed", err)
				}
				if err := fs.Crash(f.crash); err != nil {
					t.Fatalf("crash: %v", err)
				}
				// The dead process's goroutines stop; its files are gone.
				w.Close()
				fs.SetInjector(nil)

				w2, st, ents, repaired := reopen(t, cfg, dir)
				requirePrefix(t, acked, pending, ents)
				if segBytes < 64*1024 && saveErr == nil {
					t.Fatal("the fault did not hit the last Save")
				}
				t.Logf("save error: %v; repaired: %v; unacknowledged entries kept: %d", saveErr, repaired, len(ents)-len(acked))
				if len(ents) == len(acked) && st.GetTerm() == 1 {
					requireState(t, lastState, st)
				}
				// The log goes on where it stopped, and reads back.
				more := entries(uint64(len(ents))+1, uint64(len(ents))+10, 3, 100)
				if err := w2.Save(hardState(3, 3, 1), more); err != nil {
					t.Fatal(err)
				}
				w2.Close()
				w3, _, ents2, repaired := reopen(t, cfg, dir)
				defer w3.Close()
				if repaired {
					t.Fatal("needed repair after a clean close")
				}
				requireEntries(t, append(ents, more...), ents2)
			})
		}
	}
}

// frame is the location of one record in a segment.
type frame struct {
	off, dataOff, dataLen int64
	typ                   int64
}

// scanFrames lists the frames of a segment file.
func scanFrames(t *testing.T, path string) []frame {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []frame
	for off := int64(0); off+8 <= int64(len(b)); {
		l := int64(binary.LittleEndian.Uint64(b[off:]))
		if l == 0 {
			break
		}
		n, pad := decodeFrameSize(l)
		var rec walpb.Record
		body := b[off+8 : off+8+n]
		if err := rec.Unmarshal(body); err != nil {
			t.Fatal(err)
		}
		fr := frame{off: off, typ: rec.Type}
		if rec.Data != nil {
			fr.dataLen = int64(len(rec.Data))
			fr.dataOff = off + 8 + n - fr.dataLen
		}
		out = append(out, fr)
		off += 8 + n + pad
	}
	return out
}

func TestFlippedBitIsCorruption(t *testing.T) {
	type target struct {
		name string
		// pick returns the segment (by position) and byte offset to flip.
		pick func(segs [][]frame) (int, int64)
	}
	entryData := func(seg, nth int, at float64) func([][]frame) (int, int64) {
		return func(segs [][]frame) (int, int64) {
			if seg < 0 {
				seg = len(segs) - 1
			}
			var es []frame
			for _, f := range segs[seg] {
				if f.typ == EntryType {
					es = append(es, f)
				}
			}
			if nth < 0 {
				nth = len(es) + nth
			}
			f := es[nth]
			return seg, f.dataOff + int64(float64(f.dataLen-1)*at)
		}
	}
	crcField := func(seg, nth int) func([][]frame) (int, int64) {
		return func(segs [][]frame) (int, int64) {
			if seg < 0 {
				seg = len(segs) - 1
			}
			// Record layout: 08 <type> 10 <crc varint...>; flip the crc's
			// first byte.
			return seg, segs[seg][nth].off + 8 + 3
		}
	}
	for _, tc := range []target{
		{name: "first entry of first segment", pick: entryData(0, 0, 0.5)},
		{name: "middle entry of middle segment", pick: entryData(1, 3, 0.1)},
		{name: "last byte of an entry", pick: entryData(1, 1, 1)},
		{name: "last entry of last segment", pick: entryData(-1, -1, 0.5)},
		{name: "first byte of last entry", pick: entryData(-1, -1, 0)},
		{name: "crc of an entry", pick: crcField(0, 5)},
		{name: "crc of last record", pick: func(segs [][]frame) (int, int64) {
			last := len(segs) - 1
			return last, segs[last][len(segs[last])-1].off + 8 + 3
		}},
		{name: "metadata of second segment", pick: func(segs [][]frame) (int, int64) {
			return 1, segs[1][1].dataOff
		}},
		{name: "hard state in last segment", pick: func(segs [][]frame) (int, int64) {
			last := len(segs) - 1
			for i := len(segs[last]) - 1; i >= 0; i-- {
				if f := segs[last][i]; f.typ == StateType {
					return last, f.dataOff + f.dataLen/2
				}
			}
			t.Fatal("no state record")
			return 0, 0
		}},
	} {
		for bit := uint(0); bit < 8; bit += 3 {
			t.Run(fmt.Sprintf("%s/bit %d", tc.name, bit), func(t *testing.T) {
				dir := t.TempDir()
				cfg := Config{SegmentSizeBytes: 16 * 1024}
				w, err := Create(cfg, dir, []byte("metadata"))
				if err != nil {
					t.Fatal(err)
				}
				for i := uint64(1); i <= 100; i += 10 {
					if err := w.Save(hardState(1, 1, i), entries(i, i+9, 1, 500)); err != nil {
						t.Fatal(err)
					}
				}
				w.Close()
				names, _ := fileutil.ReadDir(dir, fileutil.WithExt(".wal"))
				if len(names) < 3 {
					t.Fatalf("want >= 3 segments, got %d", len(names))
				}
				var segs [][]frame
				for _, n := range names {
					segs = append(segs, scanFrames(t, filepath.Join(dir, n)))
				}
				seg, off := tc.pick(segs)
				path := filepath.Join(dir, names[seg])
				before, _ := os.ReadFile(path)
				if err := faultfs.FlipBit(path, off, bit); err != nil {
					t.Fatal(err)
				}

				w, err = Open(cfg, dir, nil)
				if err != nil {
					t.Fatal(err)
				}
				_, _, _, err = w.ReadAll()
				w.Close()
				if !errors.Is(err, ErrCRCMismatch) {
					t.Fatalf("ReadAll: %v, want ErrCRCMismatch", err)
				}
				if _, err := Verify(cfg, dir, nil); !errors.Is(err, ErrCRCMismatch) {
					t.Fatalf("Verify: %v, want ErrCRCMismatch", err)
				}
				if seg == len(names)-1 {
					if err := Repair(cfg, dir); !errors.Is(err, ErrRepairFailed) || !errors.Is(err, ErrCRCMismatch) {
						t.Fatalf("Repair: %v, want ErrRepairFailed and ErrCRCMismatch", err)
					}
					after, _ := os.ReadFile(path)
					if len(after) != len(before) {
						t.Fatal("failed repair changed the segment")
					}
				}
			})
		}
	}
}
