package wal

import (
	"path/filepath"
	"testing"
	"time"
)

// recordMetrics records what the WAL reports.
type recordMetrics struct {
	writes, bytes, syncs int
}

func (m *recordMetrics) Written(_ time.Duration, n int) { m.writes++; m.bytes += n }
func (m *recordMetrics) Synced(time.Duration)           { m.syncs++ }

// TestMetrics: every write to the tail and every fdatasync is reported,
// and the bytes reported are the bytes added to the segment.
func TestMetrics(t *testing.T) {
	tests := []struct {
		name    string
		noFsync bool
		save    func(w *WAL) error
		// wantSyncs counts the Save calls that must sync.
		wantSyncs int
	}{
		{"entries", false, func(w *WAL) error { return w.Save(hardState(1, 1, 2), entries(1, 3, 1, 100)) }, 1},
		{"a commit index alone is not synced", false, func(w *WAL) error {
			if err := w.Save(hardState(1, 1, 0), entries(1, 1, 1, 10)); err != nil {
				return err
			}
			return w.Save(hardState(1, 1, 1), nil)
		}, 1},
		{"unsafe no fsync", true, func(w *WAL) error { return w.Save(hardState(1, 1, 2), entries(1, 3, 1, 100)) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &recordMetrics{}
			w, err := Create(Config{Metrics: m, UnsafeNoFsync: tt.noFsync}, filepath.Join(t.TempDir(), "wal"), []byte("md"))
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			*m = recordMetrics{} // forget what Create wrote
			off := w.off
			if err := tt.save(w); err != nil {
				t.Fatal(err)
			}
			if err := w.Sync(); err != nil { // writes out what Save left buffered
				t.Fatal(err)
			}
			wantSyncs := tt.wantSyncs
			if !tt.noFsync {
				wantSyncs++ // the Sync above
			}
			if m.syncs != wantSyncs {
				t.Errorf("%d syncs reported, want %d", m.syncs, wantSyncs)
			}
			if m.writes == 0 || int64(m.bytes) != w.off-off {
				t.Errorf("%d writes of %d bytes reported; the segment grew by %d", m.writes, m.bytes, w.off-off)
			}
		})
	}
}
