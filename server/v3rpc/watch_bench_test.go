package v3rpc

import (
	"context"
	"fmt"
	"sync"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver"
)

// BenchmarkWatchFanout is one put delivered to every watcher of its key
// through the Watch service: the watchable store's fan-out, each stream's
// send loop (conversion to a WatchResponse, marshalling) and the gRPC
// connection in memory to the client streams, which count the events.
// The watchers are spread over 10 streams, as etcd's benchmark does. The
// put goes straight to the store (not through raft) so that the fan-out is
// what is measured.
func BenchmarkWatchFanout(b *testing.B) {
	for _, watchers := range []int{10, 1000} {
		b.Run(fmt.Sprintf("watchers=%d", watchers), func(b *testing.B) {
			s := startMember(b, etcdserver.Config{DisableLeaseCheckpoint: true})
			client := pb.NewWatchClient(serveConn(b, s, Config{}))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			key := []byte("fan")
			const streams = 10
			var events sync.WaitGroup
			var recv sync.WaitGroup
			for i := 0; i < streams; i++ {
				st, err := client.Watch(ctx)
				if err != nil {
					b.Fatal(err)
				}
				n := watchers / streams
				for j := 0; j < n; j++ {
					if err := st.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{Key: key}}}); err != nil {
						b.Fatal(err)
					}
				}
				for created := 0; created < n; {
					resp, err := st.Recv()
					if err != nil {
						b.Fatal(err)
					}
					if resp.Created {
						created++
					}
				}
				recv.Add(1)
				go func() {
					defer recv.Done()
					for {
						resp, err := st.Recv()
						if err != nil {
							return
						}
						for range resp.Events {
							events.Done()
						}
					}
				}()
			}
			kv := s.Watchable()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				events.Add(watchers)
				kv.Put(key, benchValue, 0)
				events.Wait()
			}
			b.StopTimer()
			cancel()
			recv.Wait()
		})
	}
}
