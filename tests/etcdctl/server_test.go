package etcdctl

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// buildBinary builds the main package pkg (relative to the repo root).
func buildBinary(t testing.TB, dir, pkg, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, "./"+pkg)
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// server is one single-member cluster on loopback.
type server struct {
	clientURL, peerURL string
	cmd                *exec.Cmd
	done               chan struct{}
}

// startServer runs bin (etcd's or ours, both take etcd's flags) as a fresh
// single-member cluster, with extra flags, and waits until it serves
// clients.
func startServer(t testing.TB, bin, name string, extra ...string) *server {
	t.Helper()
	dir := t.TempDir()
	cport, pport := e2e.FreePort(t), e2e.FreePort(t)
	s := &server{
		clientURL: fmt.Sprintf("http://127.0.0.1:%d", cport),
		peerURL:   fmt.Sprintf("http://127.0.0.1:%d", pport),
		done:      make(chan struct{}),
	}
	s.cmd = exec.Command(bin,
		"--name", name,
		"--data-dir", filepath.Join(dir, "data"),
		"--listen-client-urls", s.clientURL,
		"--advertise-client-urls", s.clientURL,
		"--listen-peer-urls", s.peerURL,
		"--initial-advertise-peer-urls", s.peerURL,
		"--initial-cluster", name+"="+s.peerURL,
		"--initial-cluster-token", "etcdctl-golden",
		"--log-outputs", "stderr",
	)
	s.cmd.Args = append(s.cmd.Args, extra...)
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		once := false
		for sc.Scan() {
			fmt.Fprintln(logf, sc.Text())
			if !once && strings.Contains(sc.Text(), "ready to serve client requests") {
				once = true
				close(ready)
			}
		}
		logf.Close()
		_ = s.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case <-ready:
	case <-s.done:
		b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		t.Fatalf("server exited before it was ready:\n%s", b)
	case <-ctx.Done():
		t.Fatal("server not ready within 30s")
	}
	return s
}
