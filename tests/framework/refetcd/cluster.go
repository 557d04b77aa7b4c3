package refetcd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotReady is returned when a member does not serve in time.
var ErrNotReady = errors.New("refetcd: member not ready")

// Options configures a cluster.
type Options struct {
	// Size is the number of members (default 1).
	Size int
	// Binary is the server binary; empty means ReferenceBinary().
	Binary string
	// Dir holds the data directories and logs; it must exist.
	Dir string
	// ExtraFlags are passed to every member (e.g. "--auth-token=simple").
	ExtraFlags []string
	// ReadyTimeout bounds each wait for readiness (default 30s).
	ReadyTimeout time.Duration
}

// Cluster is a running cluster of server processes.
type Cluster struct {
	opts    Options
	members []*Member
}

// Start launches a cluster and waits until every member serves.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.Size <= 0 {
		opts.Size = 1
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 30 * time.Second
	}
	if opts.Binary == "" {
		bin, err := ReferenceBinary()
		if err != nil {
			return nil, err
		}
		opts.Binary = bin
	}
	ports, err := freePorts(2 * opts.Size)
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts}
	var initial []string
	for i := 0; i < opts.Size; i++ {
		m := &Member{
			Name:      fmt.Sprintf("m%d", i),
			ClientURL: fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]),
			PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1]),
			binary:    opts.Binary,
			extra:     opts.ExtraFlags,
			timeout:   opts.ReadyTimeout,
		}
		m.DataDir = filepath.Join(opts.Dir, m.Name+".etcd")
		m.logPath = filepath.Join(opts.Dir, m.Name+".log")
		initial = append(initial, m.Name+"="+m.PeerURL)
		c.members = append(c.members, m)
	}
	token := fmt.Sprintf("refetcd-%d", time.Now().UnixNano())
	for _, m := range c.members {
		m.initialCluster = strings.Join(initial, ",")
		m.token = token
		if err := m.start(); err != nil {
			c.Close()
			return nil, err
		}
	}
	for _, m := range c.members {
		if err := m.WaitReady(ctx); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Endpoints returns the members' client URLs.
func (c *Cluster) Endpoints() []string {
	eps := make([]string, len(c.members))
	for i, m := range c.members {
		eps[i] = m.ClientURL
	}
	return eps
}

// Members returns the members, in start order.
func (c *Cluster) Members() []*Member { return c.members }

// Member returns member i.
func (c *Cluster) Member(i int) *Member { return c.members[i] }

// Close kills every member that still runs. Data directories stay in
// Options.Dir (a t.TempDir removes them).
func (c *Cluster) Close() {
	for _, m := range c.members {
		_ = m.Kill()
	}
}

// freePorts reserves n loopback ports and releases them for the members.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// LogTail returns the end of a member's log, for failure messages.
func (m *Member) LogTail(n int) string {
	b, err := os.ReadFile(m.logPath)
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
