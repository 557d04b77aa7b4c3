package v3rpc

// Benchmarks of the client-facing hot paths on a real single-member
// server: serializable ranges through the KV service and the fan-out of
// one put to many watchers through the Watch service. Run with
//
//	go test -run '^$' -bench . -benchmem ./server/v3rpc/

import (
	"context"
	"fmt"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

var benchValue = make([]byte, 256)

func benchKey(i int) []byte { return []byte(fmt.Sprintf("key-%08d", i)) }

// putKeys writes keys 0..n-1 with 256-byte values through raft.
func putKeys(b *testing.B, s *etcdserver.EtcdServer, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		if _, err := s.Put(context.Background(), &pb.PutRequest{Key: benchKey(i), Value: benchValue}); err != nil {
			b.Fatal(err)
		}
	}
}
