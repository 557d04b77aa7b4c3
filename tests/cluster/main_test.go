package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestMain removes the server binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	e2e.CleanupBinary()
	os.Exit(code)
}

// testArgs are the flags every test member gets.
var testArgs = []string{"--unsafe-no-fsync", "--logger", "zap", "--log-level", "info"}

func newCluster(t *testing.T, size int, extra ...string) *e2e.Cluster {
	t.Helper()
	c := e2e.NewCluster(t, e2e.ClusterConfig{Size: size, Args: append(append([]string(nil), testArgs...), extra...)})
	t.Cleanup(func() {
		// Keep the members' logs of a failed run (ETCDGO_CLUSTER_LOGS=dir).
		if dir := os.Getenv("ETCDGO_CLUSTER_LOGS"); dir != "" && t.Failed() {
			for _, m := range c.Members {
				_ = os.WriteFile(filepath.Join(dir, t.Name()+"-"+m.Name+".log"), []byte(m.Log()), 0o644)
			}
		}
	})
	return c
}

func newClient(t *testing.T, eps ...string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: eps, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// eventually retries fn until it succeeds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = fn(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}

// leaderOf returns the member a quorum agrees leads, via Status.
func leaderIndex(t *testing.T, c *e2e.Cluster) int {
	t.Helper()
	var idx int
	eventually(t, 20*time.Second, "waiting for a leader", func() error {
		var lead uint64
		for i, m := range c.Members {
			cli := statusClient(t, m.ClientURL)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			st, err := cli.Status(ctx, m.ClientURL)
			cancel()
			cli.Close()
			if err != nil {
				continue
			}
			if st.Leader == 0 {
				return errors.New("member without leader")
			}
			if lead != 0 && st.Leader != lead {
				return fmt.Errorf("members disagree on leader: %x vs %x", lead, st.Leader)
			}
			lead = st.Leader
			if st.Header.MemberId == st.Leader {
				idx = i
			}
		}
		if lead == 0 {
			return errors.New("no leader")
		}
		if c.Members[idx].ID() != fmt.Sprintf("%x", lead) {
			return fmt.Errorf("leader %x not among running members", lead)
		}
		return nil
	})
	return idx
}

func statusClient(t *testing.T, ep string) *clientv3.Client {
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{ep}, DialTimeout: 2 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

// hashKVAll checks that every member has the same HashKV at rev.
func hashKVAll(t *testing.T, c *e2e.Cluster, rev int64) {
	t.Helper()
	eventually(t, 30*time.Second, "HashKV equal on all members", func() error {
		var first uint32
		for i, m := range c.Members {
			cli := statusClient(t, m.ClientURL)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			resp, err := cli.HashKV(ctx, m.ClientURL, rev)
			cancel()
			cli.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			if i == 0 {
				first = resp.Hash
			} else if resp.Hash != first {
				return fmt.Errorf("%s: hash %d, want %d", m.Name, resp.Hash, first)
			}
		}
		return nil
	})
}

func isRetryable(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	for _, r := range []string{"no leader", "timed out", "unhealthy", "Unavailable", "deadline", "connection", "leader changed", "EOF", "stopped"} {
		if strings.Contains(s, r) {
			return true
		}
	}
	return false
}
