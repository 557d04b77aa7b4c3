package etcdserver

// Benchmarks of the server's hot paths without raft's I/O: the apply of
// one committed put entry and serializable ranges. Run with
//
//	go test -run '^$' -bench . -benchmem ./server/etcdserver/

import (
	"context"
	"fmt"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

const benchKeySpace = 10000

func benchKey(i int) []byte { return []byte(fmt.Sprintf("key-%08d", i)) }

var benchValue = make([]byte, 256)

// benchConfig is a single member in b's temporary directory, without
// fsync (the benchmarks measure CPU and allocations, not the disk).
func benchConfig(b testing.TB) Config {
	peer := "http://127.0.0.1:2380"
	return Config{
		Name: "bench", DataDir: b.TempDir(), PeerURLs: []string{peer},
		InitialCluster: map[string][]string{"bench": {peer}}, NewCluster: true,
		TickMs: 100, ElectionTicks: 10, SnapshotCount: 1 << 40, UnsafeNoFsync: true,
		DisableLeaseCheckpoint: true,
	}
}

// newUnstartedServer opens a server whose loops are not running, so that
// the benchmark is the only one applying entries.
func newUnstartedServer(b testing.TB) *EtcdServer {
	b.Helper()
	s, err := New(benchConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		s.kv.Close()
		s.be.Close()
		s.raft.wal.Close()
	})
	return s
}

// newStartedServer runs a single member and waits until it serves.
func newStartedServer(b *testing.B) *EtcdServer {
	b.Helper()
	s, err := New(benchConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	s.Start()
	b.Cleanup(s.Close)
	select {
	case <-s.ReadyNotify():
	case err := <-s.Err():
		b.Fatal(err)
	}
	return s
}

// benchPuts are benchKeySpace puts of benchValue (request i has ID i+1)
// and their marshalled entry data.
func benchPuts(b *testing.B) ([]*pb.InternalRaftRequest, [][]byte) {
	reqs := make([]*pb.InternalRaftRequest, benchKeySpace)
	datas := make([][]byte, benchKeySpace)
	for i := range datas {
		reqs[i] = &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: uint64(i + 1)}, Put: &pb.PutRequest{Key: benchKey(i), Value: benchValue}}
		var err error
		if datas[i], err = reqs[i].MarshalVT(); err != nil {
			b.Fatal(err)
		}
	}
	return reqs, datas
}

// nextApplyIndex is the index of the next entry s's apply loop takes.
func nextApplyIndex(s *EtcdServer) uint64 {
	next := s.apply.appliedIndex.Load() + 1
	if ci := s.ci.Index(); ci >= next {
		next = ci + 1
	}
	return next
}

// BenchmarkApplyEntryPut is the apply of one committed entry carrying a
// Put of a 256-byte value: the applier's handler table and middleware, the
// mvcc write transaction, the consistent index and the hand-off to the
// waiting RPC. "decoded" is a member that did not propose the put and
// decodes the InternalRaftRequest from the entry; "proposed" is the member
// that did: the request waits in the registry, the apply takes it instead
// of decoding, and the result goes to the waiting channel.
func BenchmarkApplyEntryPut(b *testing.B) {
	for _, proposed := range []bool{false, true} {
		name := "decoded"
		if proposed {
			name = "proposed"
		}
		b.Run(name, func(b *testing.B) {
			s := newUnstartedServer(b)
			reqs, datas := benchPuts(b)
			next := nextApplyIndex(s)
			e := &raftpb.Entry{Term: proto.Uint64(1), Type: raftpb.EntryNormal.Enum()}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := i % len(datas)
				var ch chan any
				if proposed {
					ch = s.wait.Register(uint64(j+1), reqs[j])
				}
				e.Index = proto.Uint64(next)
				e.Data = datas[j]
				next++
				s.apply.applyEntry(e)
				if proposed {
					<-ch
					s.wait.Recycle(ch)
				}
			}
			b.StopTimer()
			if got := s.kv.Rev(); got != int64(b.N)+1 {
				b.Fatalf("revision %d after %d puts", got, b.N)
			}
		})
	}
}

// BenchmarkRange is EtcdServer.Range, serializable, of one key and of 100
// keys out of 1,000 with 256-byte values.
func BenchmarkRange(b *testing.B) {
	s := newStartedServer(b)
	ctx := context.Background()
	const keys = 1000
	for i := 0; i < keys; i++ {
		if _, err := s.Put(ctx, &pb.PutRequest{Key: benchKey(i), Value: benchValue}); err != nil {
			b.Fatal(err)
		}
	}
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			reqs := make([]*pb.RangeRequest, keys-n)
			for i := range reqs {
				reqs[i] = &pb.RangeRequest{Key: benchKey(i), Serializable: true}
				if n > 1 {
					reqs[i].RangeEnd = benchKey(i + n)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				resp, err := s.Range(ctx, reqs[i%len(reqs)])
				if err != nil || len(resp.Kvs) != n {
					b.Fatalf("range: %d keys, %v", len(resp.GetKvs()), err)
				}
			}
		})
	}
}
