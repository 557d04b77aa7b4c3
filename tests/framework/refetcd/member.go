package refetcd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Member is one server process.
type Member struct {
	Name      string
	ClientURL string
	PeerURL   string
	DataDir   string

	binary         string
	extra          []string
	timeout        time.Duration
	initialCluster string
	token          string
	logPath        string

	mu    sync.Mutex
	cmd   *exec.Cmd
	exitc chan struct{} // closed when the process has exited
}

func (m *Member) args() []string {
	args := []string{
		"--name=" + m.Name,
		"--data-dir=" + m.DataDir,
		"--listen-client-urls=" + m.ClientURL,
		"--advertise-client-urls=" + m.ClientURL,
		"--listen-peer-urls=" + m.PeerURL,
		"--initial-advertise-peer-urls=" + m.PeerURL,
		"--initial-cluster=" + m.initialCluster,
		"--initial-cluster-token=" + m.token,
		"--initial-cluster-state=new",
		"--log-level=warn",
	}
	return append(args, m.extra...)
}

func (m *Member) start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		return fmt.Errorf("refetcd: %s already running", m.Name)
	}
	logf, err := os.OpenFile(m.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(m.binary, m.args()...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return fmt.Errorf("refetcd: start %s: %w", m.Name, err)
	}
	exitc := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(exitc)
	}()
	m.cmd, m.exitc = cmd, exitc
	return nil
}

// cleanEnv drops ETCD_* variables of the test environment, which the
// server would read as flags.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ETCD_") {
			env = append(env, kv)
		}
	}
	return env
}

// Running reports whether the process runs.
func (m *Member) Running() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cmd != nil
}

// WaitReady polls /health until the member reports healthy.
func (m *Member) WaitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	m.mu.Lock()
	exitc := m.exitc
	m.mu.Unlock()
	for {
		if healthy(ctx, client, m.ClientURL+"/health") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s: %v\n%s", ErrNotReady, m.Name, ctx.Err(), m.LogTail(2000))
		case <-exitc:
			return fmt.Errorf("%w: %s exited\n%s", ErrNotReady, m.Name, m.LogTail(2000))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func healthy(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusOK && strings.Contains(string(body), `"health":"true"`)
}

// Stop ends the member gracefully (SIGTERM) and waits for it.
func (m *Member) Stop() error { return m.signal(syscall.SIGTERM) }

// Kill ends the member at once (SIGKILL) and waits for it.
func (m *Member) Kill() error { return m.signal(syscall.SIGKILL) }

func (m *Member) signal(sig syscall.Signal) error {
	m.mu.Lock()
	cmd, exitc := m.cmd, m.exitc
	m.cmd = nil
	m.mu.Unlock()
	if cmd == nil {
		return nil
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exitc:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-exitc
	}
	return nil
}

// Start starts a stopped member again on its data directory and ports,
// and waits until it serves. A multi-member cluster needs a quorum for
// the member to report healthy.
func (m *Member) Start(ctx context.Context) error {
	if err := m.start(); err != nil {
		return err
	}
	return m.WaitReady(ctx)
}

// Restart stops the member gracefully and starts it again.
func (m *Member) Restart(ctx context.Context) error {
	if err := m.Stop(); err != nil {
		return err
	}
	return m.Start(ctx)
}
