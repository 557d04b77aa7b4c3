package wal

import (
	"fmt"
	"path/filepath"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// BenchmarkSave is one Save of a batch of 256-byte entries, with fsync
// (the real cost) and without (the CPU cost of encoding and writing).
func BenchmarkSave(b *testing.B) {
	for _, sync := range []bool{true, false} {
		for _, batch := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("fsync=%v/entries=%d", sync, batch), func(b *testing.B) {
				w, err := Create(Config{UnsafeNoFsync: !sync}, filepath.Join(b.TempDir(), "wal"), []byte("metadata"))
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				data := make([]byte, 256)
				ents := make([]*raftpb.Entry, batch)
				for i := range ents {
					ents[i] = entry(0, 1, data)
				}
				st := hardState(1, 1, 0)
				next := uint64(1)
				b.SetBytes(int64(batch * len(data)))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for _, e := range ents {
						*e.Index = next
						next++
					}
					*st.Commit = next - 1
					if err := w.Save(st, ents); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReadAll reads back 10,000 entries of 256 bytes.
func BenchmarkReadAll(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "wal")
	w, err := Create(Config{UnsafeNoFsync: true}, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := uint64(1); i <= 10000; i += 100 {
		if err := w.Save(hardState(1, 1, i), entries(i, i+99, 1, 256)); err != nil {
			b.Fatal(err)
		}
	}
	w.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := OpenForRead(Config{}, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, ents, err := r.ReadAll(); err != nil || len(ents) != 10000 {
			b.Fatal(err, len(ents))
		}
		r.Close()
	}
}
