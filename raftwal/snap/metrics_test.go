package snap

import (
	"bytes"
	"testing"
	"time"
)

// countMetrics counts the calls of each Metrics method.
type countMetrics map[string]int

func (c countMetrics) SnapMarshalled(time.Duration) { c["marshalled"]++ }
func (c countMetrics) SnapFsynced(time.Duration)    { c["fsynced"]++ }
func (c countMetrics) SnapSaved(time.Duration)      { c["saved"]++ }
func (c countMetrics) DBFsynced(time.Duration)      { c["db-fsynced"]++ }
func (c countMetrics) DBSaved(time.Duration)        { c["db-saved"]++ }

// TestMetrics: each save reports its steps; a database already received
// is synced again but not saved.
func TestMetrics(t *testing.T) {
	tests := []struct {
		name string
		do   func(t *testing.T, s *Snapshotter)
		want map[string]int
	}{
		{"snapshot", func(t *testing.T, s *Snapshotter) {
			if err := s.SaveSnap(snapshot(1, 5)); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"marshalled": 1, "fsynced": 1, "saved": 1}},
		{"empty snapshot", func(t *testing.T, s *Snapshotter) {
			if err := s.SaveSnap(snapshot(0, 0)); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{}},
		{"database", func(t *testing.T, s *Snapshotter) {
			if _, err := s.SaveDBFrom(bytes.NewReader([]byte("bolt")), 5); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"db-fsynced": 1, "db-saved": 1}},
		{"database again", func(t *testing.T, s *Snapshotter) {
			for range 2 {
				if _, err := s.SaveDBFrom(bytes.NewReader([]byte("bolt")), 5); err != nil {
					t.Fatal(err)
				}
			}
		}, map[string]int{"db-fsynced": 2, "db-saved": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := countMetrics{}
			tt.do(t, New(Config{Metrics: m}, t.TempDir()))
			if len(m) != len(tt.want) {
				t.Fatalf("calls %v, want %v", m, tt.want)
			}
			for k, v := range tt.want {
				if m[k] != v {
					t.Fatalf("calls %v, want %v", m, tt.want)
				}
			}
		})
	}
}
