//go:build !race

// The race detector makes sync.Pool drop items at random: allocation
// counts are checked without it.

package codec

import "testing"

// TestMarshalAllocs checks that marshalling a small message allocates
// nothing once the pools are warm (grpc frees the buffer after writing it).
func TestMarshalAllocs(t *testing.T) {
	m := watchResponse(256)
	got := testing.AllocsPerRun(1000, func() {
		d, err := Codec{}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		d.Free()
	})
	if got != 0 {
		t.Fatalf("Marshal of a small message: %v allocations, want 0", got)
	}
}
