package cluster

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

// TestPutThroughput compares 3-member put throughput of our binary and of
// real etcd, measured the same way: the same flags, one client with all
// three endpoints, 32 concurrent writers of 256-byte values for 5 s. It
// runs only with ETCDGO_CLUSTER_BENCH=1 (not part of CI).
func TestPutThroughput(t *testing.T) {
	if os.Getenv("ETCDGO_CLUSTER_BENCH") == "" {
		t.Skip("set ETCDGO_CLUSTER_BENCH=1 to measure throughput")
	}
	flags := []string{"--heartbeat-interval", "50", "--election-timeout", "500", "--log-level", "warn"}
	ours := e2e.NewCluster(t, e2e.ClusterConfig{Size: 3, Args: []string{"--log-level", "info"}})
	rateOurs := measurePuts(t, ours.Endpoints())

	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	ref, err := refetcd.Start(ctx, refetcd.Options{Size: 3, Dir: dir, ExtraFlags: flags})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	rateRef := measurePuts(t, ref.Endpoints())
	t.Logf("3-member put throughput (32 writers, 256 B values, fsync on): ours %.0f/s, etcd v3.7.3 %.0f/s (%.2fx)",
		rateOurs, rateRef, rateOurs/rateRef)
}

func measurePuts(t *testing.T, eps []string) float64 {
	cli, err := clientv3.New(clientv3.Config{Endpoints: eps, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	val := strings.Repeat("v", 256)
	// Warm up (leader elected, connections open).
	eventually(t, 30*time.Second, "warm-up put", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := cli.Put(ctx, "warm", val)
		return err
	})
	const writers = 32
	dur := 5 * time.Second
	var n, fails atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(dur)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, err := cli.Put(ctx, fmt.Sprintf("bench/%d/%d", w, i%1000), val)
				cancel()
				if err != nil {
					fails.Add(1)
					continue
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if fails.Load() > 0 {
		t.Logf("%d failed puts", fails.Load())
	}
	return float64(n.Load()) / dur.Seconds()
}
