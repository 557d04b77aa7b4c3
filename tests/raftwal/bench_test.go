package raftwal

import (
	"fmt"
	"path/filepath"
	"testing"

	"go.uber.org/zap"

	etcdwal "go.etcd.io/etcd/server/v3/storage/wal"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcdgo/etcd/raftwal/v3/wal"
)

// saver is what both WALs offer the raft loop.
type saver interface {
	Save(st *raftpb.HardState, ents []*raftpb.Entry) error
	Close() error
}

// BenchmarkSave measures one Save (one fsync) of a batch of 256-byte
// entries with a HardState, for our WAL and etcd's, in the same run:
//
//	go test ./tests/raftwal -run '^$' -bench BenchmarkSave -benchtime 2s
func BenchmarkSave(b *testing.B) { benchmarkSave(b, true) }

// BenchmarkSaveNoFsync is BenchmarkSave with fsync off in both WALs
// (etcd's --unsafe-no-fsync): the CPU and write(2) cost alone, which is
// steadier than fsync on a shared disk.
func BenchmarkSaveNoFsync(b *testing.B) { benchmarkSave(b, false) }

func benchmarkSave(b *testing.B, fsync bool) {
	impls := []struct {
		name   string
		create func(dir string) (saver, error)
	}{
		{"ours", func(dir string) (saver, error) {
			return wal.Create(wal.Config{UnsafeNoFsync: !fsync}, dir, []byte("metadata"))
		}},
		{"etcd", func(dir string) (saver, error) {
			w, err := etcdwal.Create(zap.NewNop(), dir, []byte("metadata"))
			if err == nil && !fsync {
				w.SetUnsafeNoFsync()
			}
			return w, err
		}},
	}
	for _, batch := range []int{1, 10, 100} {
		for _, impl := range impls {
			b.Run(fmt.Sprintf("entries=%d/%s", batch, impl.name), func(b *testing.B) {
				w, err := impl.create(filepath.Join(b.TempDir(), "wal"))
				if err != nil {
					b.Fatal(err)
				}
				defer w.Close()
				data := make([]byte, 256)
				for i := range data {
					data[i] = byte(i)
				}
				ents := make([]*raftpb.Entry, batch)
				for i := range ents {
					ents[i] = entry(0, 1, raftpb.EntryNormal, data)
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
