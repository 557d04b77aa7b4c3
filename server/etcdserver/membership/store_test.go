package membership

import "testing"

// TestIsLearner: learners, voters, unknown and promoted members; asked on
// every request, it copies nothing.
func TestIsLearner(t *testing.T) {
	s := newTestStore(t)
	tests := []struct {
		name string
		id   uint64
		want bool
	}{
		{"voter", 1, false},
		{"learner", 3, true},
		{"unknown", 42, false},
		{"removed", 9, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.IsLearner(tt.id); got != tt.want {
				t.Fatalf("IsLearner(%d) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
	if got := testing.AllocsPerRun(100, func() { s.IsLearner(3) }); got != 0 {
		t.Fatalf("IsLearner: %v allocations, want none", got)
	}
	s.Promote(3)
	if s.IsLearner(3) {
		t.Fatal("promoted member is still a learner")
	}
}
