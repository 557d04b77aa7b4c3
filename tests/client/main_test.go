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
	// servers are the servers every test runs against, as subtests named
	// after them ("ours", "etcd").
	servers []*server
)

func TestMain(m *testing.M) {
	sel, err := refetcd.Servers()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, s := range sel {
		servers = append(servers, &server{Server: s, clusters: map[int]Target{}})
	}
	dir, err := os.MkdirTemp("", "client-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	for _, s := range servers {
		s.close()
	}
	refetcd.CleanupBinary()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// server is one server of the suite with its shared clusters.
type server struct {
	refetcd.Server

	mu       sync.Mutex
	clusters map[int]Target // by size
}

// forEachServer runs fn once per server, as a subtest named after it.
func forEachServer(t *testing.T, fn func(t *testing.T, s *server)) {
	for _, s := range servers {
		t.Run(s.Name, func(t *testing.T) { fn(t, s) })
	}
}

// Known server bugs, by server name: a test that hits one calls
// srv.skipIfBug and skips on that server only. Remove an entry once fixed.
var serverBugs = map[string]map[string]string{
	"ours": {},
}

// skipIfBug skips the test on a server with the known bug.
func (s *server) skipIfBug(t *testing.T, bug string) {
	t.Helper()
	if desc, ok := serverBugs[s.Name][bug]; ok {
		t.Skipf("server bug: %s", desc)
	}
}

// requires skips the test unless the server implements every feature.
// Only our server lacks features; real etcd runs everything.
func (s *server) requires(t *testing.T, fs ...refetcd.Feature) {
	t.Helper()
	for _, f := range fs {
		if !s.Has(f) {
			t.Skipf("%s server does not implement %s yet", s.Name, f)
		}
	}
}

// shared returns the server's cluster of the given size, started on first
// use and shared by the tests (which use keys of their own).
func (s *server) shared(t *testing.T, size int) Target {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clusters[size]; ok {
		return c
	}
	name := fmt.Sprintf("%s-shared-%d", s.Name, size)
	dir, err := os.MkdirTemp(workDir, name+"-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewTarget(s.Server, dir, TargetOptions{Size: size})
	if err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	s.clusters[size] = c
	return c
}

func (s *server) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clusters {
		c.Close()
	}
	s.clusters = nil
}

// own starts a cluster for one test only.
func (s *server) own(t *testing.T, opts TargetOptions) Target {
	t.Helper()
	dir, err := os.MkdirTemp(workDir, s.Name+"-own-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewTarget(s.Server, dir, opts)
	if err != nil {
		t.Fatalf("starting cluster: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// single returns a client of the server's shared one-member cluster.
func (s *server) single(t *testing.T) *clientv3.Client {
	return newClient(t, clientv3.Config{Endpoints: s.shared(t, 1).Endpoints()})
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

// testCtx bounds a test's calls (liveness only).
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// keyPrefix is a key space of the test's own (the server's name is part
// of it, but each server has its own clusters anyway).
func keyPrefix(t *testing.T) string {
	return "/" + strings.ReplaceAll(t.Name(), "/", "_") + "/"
}
