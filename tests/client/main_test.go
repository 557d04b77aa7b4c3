package client

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

var (
	workDir string

	clustersMu sync.Mutex
	clusters   = map[string]Target{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "client-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	for _, c := range clusters {
		c.Close()
	}
	refetcd.CleanupBinary()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// sharedCluster returns the suite's cluster of the given size, started on
// first use and shared by the tests (which use keys of their own).
func sharedCluster(t *testing.T, size int) Target {
	t.Helper()
	clustersMu.Lock()
	defer clustersMu.Unlock()
	name := fmt.Sprintf("shared-%d", size)
	if c, ok := clusters[name]; ok {
		return c
	}
	dir, err := os.MkdirTemp(workDir, name+"-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewTarget(dir, TargetOptions{Size: size})
	if err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	clusters[name] = c
	return c
}

// ownCluster starts a cluster for one test only.
func ownCluster(t *testing.T, opts TargetOptions) Target {
	t.Helper()
	dir, err := os.MkdirTemp(workDir, "own-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewTarget(dir, opts)
	if err != nil {
		t.Fatalf("starting cluster: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// newClient connects to endpoints and closes the client when the test
// ends.
func newClient(t *testing.T, cfg clientv3.Config) *clientv3.Client {
	t.Helper()
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	c, err := clientv3.New(cfg)
	if err != nil {
		t.Fatalf("clientv3.New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// single returns a client of the shared one-member cluster.
func single(t *testing.T) *clientv3.Client {
	return newClient(t, clientv3.Config{Endpoints: sharedCluster(t, 1).Endpoints()})
}

// testCtx bounds a test's calls (liveness only).
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// keyPrefix is a key space of the test's own.
func keyPrefix(t *testing.T) string {
	return "/" + strings.ReplaceAll(t.Name(), "/", "_") + "/"
}
