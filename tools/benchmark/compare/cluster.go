package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// member is one server process of a loopback cluster.
type member struct {
	name      string
	clientURL string
	cmd       *exec.Cmd
	exited    chan struct{}
	log       *os.File
}

// cluster is a loopback cluster of one server binary.
type cluster struct {
	members []*member
}

// startCluster starts size members of bin with data directories under
// dir, each with the extra flags, and waits until each serves and a
// leader is elected.
func startCluster(ctx context.Context, bin, dir string, size int, extra ...string) (*cluster, error) {
	ports, err := freePorts(2 * size)
	if err != nil {
		return nil, err
	}
	var initial []string
	for i := range size {
		initial = append(initial, fmt.Sprintf("m%d=http://127.0.0.1:%d", i, ports[2*i+1]))
	}
	c := &cluster{}
	for i := range size {
		m := &member{
			name:      fmt.Sprintf("m%d", i),
			clientURL: fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]),
			exited:    make(chan struct{}),
		}
		peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1])
		args := []string{
			"--name", m.name,
			"--data-dir", filepath.Join(dir, m.name+".etcd"),
			"--listen-client-urls", m.clientURL,
			"--advertise-client-urls", m.clientURL,
			"--listen-peer-urls", peerURL,
			"--initial-advertise-peer-urls", peerURL,
			"--initial-cluster", strings.Join(initial, ","),
			"--initial-cluster-token", filepath.Base(dir),
			"--initial-cluster-state", "new",
		}
		args = append(args, extra...)
		if m.log, err = os.Create(filepath.Join(dir, m.name+".log")); err != nil {
			c.stop()
			return nil, err
		}
		m.cmd = exec.Command(bin, args...)
		m.cmd.Stdout, m.cmd.Stderr = m.log, m.log
		if err := m.cmd.Start(); err != nil {
			c.stop()
			return nil, err
		}
		go func() { _ = m.cmd.Wait(); close(m.exited) }()
		c.members = append(c.members, m)
	}
	if err := c.waitReady(ctx, 60*time.Second); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *cluster) endpoints() []string {
	eps := make([]string, len(c.members))
	for i, m := range c.members {
		eps[i] = m.clientURL
	}
	return eps
}

// waitReady polls every member's status until all of them report the same
// leader.
func (c *cluster) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cli, err := clientv3.New(clientv3.Config{Endpoints: c.endpoints(), DialTimeout: timeout, Context: ctx})
	if err != nil {
		return err
	}
	defer cli.Close()
	for {
		ready := true
		for _, m := range c.members {
			select {
			case <-m.exited:
				return fmt.Errorf("member %s exited during start: see %s", m.name, m.log.Name())
			default:
			}
			sctx, scancel := context.WithTimeout(ctx, time.Second)
			st, err := cli.Status(sctx, m.clientURL)
			scancel()
			if err != nil || st.Leader == 0 {
				ready = false
				break
			}
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster not ready: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// usage is what a run cost the servers.
type usage struct {
	peakRSS int64 // bytes, the largest member's VmHWM
	dbSize  int64 // bytes, the largest member's backend size
}

// measure reads the members' peak RSS and database sizes.
func (c *cluster) measure(ctx context.Context) (usage, error) {
	var u usage
	for _, m := range c.members {
		hwm, err := vmHWM(m.cmd.Process.Pid)
		if err != nil {
			return u, err
		}
		u.peakRSS = max(u.peakRSS, hwm)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: c.endpoints(), DialTimeout: 5 * time.Second, Context: ctx})
	if err != nil {
		return u, err
	}
	defer cli.Close()
	for _, m := range c.members {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		st, err := cli.Status(sctx, m.clientURL)
		cancel()
		if err != nil {
			return u, fmt.Errorf("status of %s: %w", m.name, err)
		}
		u.dbSize = max(u.dbSize, st.DbSize)
	}
	return u, nil
}

// stop kills every member. Its data directory is thrown away and nothing
// is measured after, so a graceful shutdown would only cost time: a
// 3-member cluster stopped at once spends seconds on leadership transfers
// that cannot succeed (7 s, for etcd and for us), about a third of a full
// comparison.
func (c *cluster) stop() {
	for _, m := range c.members {
		if m.cmd != nil && m.cmd.Process != nil {
			_ = m.cmd.Process.Kill()
		}
	}
	for _, m := range c.members {
		if m.cmd == nil || m.cmd.Process == nil {
			continue
		}
		<-m.exited
		if m.log != nil {
			_ = m.log.Close()
		}
	}
}

// vmHWM returns a process's peak resident set size from /proc.
func vmHWM(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return parseVmHWM(f)
}

// parseVmHWM reads the VmHWM line ("VmHWM:   123456 kB") of a
// /proc/<pid>/status file, in bytes.
func parseVmHWM(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected VmHWM line %q", sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, err
		}
		return kb * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no VmHWM in status")
}

// freePorts reserves n loopback ports and releases them for the members.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
