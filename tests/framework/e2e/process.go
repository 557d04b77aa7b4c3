package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// RepoRoot finds the workspace root (the directory holding go.work).
func RepoRoot() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("e2e: go.work not found")
		}
		dir = parent
	}
}

// OurBinary returns the path of our etcd binary: $ETCDGO_E2E_BIN when set,
// otherwise ./server built once per test process into a temporary
// directory (CleanupBinary removes it).
func OurBinary() (string, error) {
	if p := os.Getenv("ETCDGO_E2E_BIN"); p != "" {
		return p, nil
	}
	buildOnce.Do(func() {
		var root, dir string
		if root, buildErr = RepoRoot(); buildErr != nil {
			return
		}
		if dir, buildErr = os.MkdirTemp("", "etcdgo-e2e-bin"); buildErr != nil {
			return
		}
		binPath = filepath.Join(dir, "etcd")
		cmd := exec.Command("go", "build", "-o", binPath, "./server")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./server: %v\n%s", err, out)
		}
	})
	return binPath, buildErr
}

// CleanupBinary removes the binary OurBinary built, if any; call it from
// TestMain after m.Run.
func CleanupBinary() {
	if binPath != "" && os.Getenv("ETCDGO_E2E_BIN") == "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
}

// BinPath is OurBinary for a test: it fails t when the build fails.
func BinPath(t testing.TB) string {
	t.Helper()
	p, err := OurBinary()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// FreePort returns a TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Config describes one member.
type Config struct {
	DataDir string
	// Args are extra flags.
	Args []string
	// Env is extra environment.
	Env []string
}

// Process is a running (or stopped) etcd subprocess.
type Process struct {
	t         testing.TB
	cfg       Config
	ClientURL string
	PeerURL   string
	cmd       *exec.Cmd
	mu        sync.Mutex
	log       bytes.Buffer
	readyc    chan struct{}
	exitc     chan struct{}
	exitErr   error
}

// NewProcess picks ports for a member; Start runs it.
func NewProcess(t testing.TB, cfg Config) *Process {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = filepath.Join(t.TempDir(), "data.etcd")
	}
	p := &Process{t: t, cfg: cfg,
		ClientURL: fmt.Sprintf("http://127.0.0.1:%d", FreePort(t)),
		PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", FreePort(t))}
	t.Cleanup(p.Stop)
	return p
}

// DataDir is the member's data directory.
func (p *Process) DataDir() string { return p.cfg.DataDir }

// Args are the flags the member runs with.
func (p *Process) Args() []string {
	return append([]string{
		"--name", "e2e",
		"--data-dir", p.cfg.DataDir,
		"--listen-client-urls", p.ClientURL,
		"--advertise-client-urls", p.ClientURL,
		"--listen-peer-urls", p.PeerURL,
		"--initial-advertise-peer-urls", p.PeerURL,
		"--initial-cluster", "e2e=" + p.PeerURL,
	}, p.cfg.Args...)
}

// Start runs the binary and waits for "ready to serve client requests".
func (p *Process) Start(ctx context.Context) error { return p.run(ctx, p.Args()) }

// StartWith is Start with exactly args (none of the member's own flags).
func (p *Process) StartWith(ctx context.Context, args ...string) error { return p.run(ctx, args) }

func (p *Process) run(ctx context.Context, args []string) error {
	p.cmd = exec.Command(BinPath(p.t), args...)
	p.cmd.Env = append(os.Environ(), p.cfg.Env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return err
	}
	p.cmd.Stdout = nil
	p.readyc, p.exitc = make(chan struct{}), make(chan struct{})
	p.mu.Lock()
	p.log.Reset()
	p.mu.Unlock()
	if err := p.cmd.Start(); err != nil {
		return err
	}
	readyc, exitc, cmd := p.readyc, p.exitc, p.cmd
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		ready := false
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			if !ready && strings.Contains(line, "ready to serve client requests") {
				ready = true
				close(readyc)
			}
		}
		err := cmd.Wait()
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(exitc)
	}()
	select {
	case <-readyc:
		return nil
	case <-exitc:
		return fmt.Errorf("etcd exited before ready: %v\n%s", p.exitErr, p.Log())
	case <-ctx.Done():
		p.Kill()
		return fmt.Errorf("etcd not ready: %v\n%s", ctx.Err(), p.Log())
	}
}

// Log is what the process wrote to stderr.
func (p *Process) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// Kill sends SIGKILL and waits for the process to exit.
func (p *Process) Kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exitc:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exitc
}

// Stop sends SIGTERM, waits up to 10s, then kills.
func (p *Process) Stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exitc:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exitc:
	case <-time.After(10 * time.Second):
		p.Kill()
	}
}

// RunOnce runs the binary with args to completion and returns its output
// and exit code.
func RunOnce(t testing.TB, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(BinPath(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("etcd %v did not exit", args)
	}
	return o.String(), e.String(), code
}
