package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ClusterConfig describes a cluster of our binaries on loopback.
type ClusterConfig struct {
	Size int
	// Args are extra flags for every member.
	Args []string
	// HeartbeatMs and ElectionMs default to 50 and 500.
	HeartbeatMs, ElectionMs int
}

// Cluster is a set of members, each behind a Proxy on its peer URL.
type Cluster struct {
	t     testing.TB
	cfg   ClusterConfig
	token string
	dir   string

	mu      sync.Mutex
	Members []*Member
	next    int
}

// Member is one member of a Cluster.
type Member struct {
	*Process
	Name string
	// Proxy is what the member advertises as its peer URL.
	Proxy *Proxy
	c     *Cluster
	args  []string
	id    string
}

// NewCluster starts cfg.Size members with --initial-cluster-state=new and
// waits until all serve.
func NewCluster(t testing.TB, cfg ClusterConfig) *Cluster {
	t.Helper()
	if cfg.HeartbeatMs == 0 {
		cfg.HeartbeatMs = 50
	}
	if cfg.ElectionMs == 0 {
		cfg.ElectionMs = 500
	}
	c := &Cluster{t: t, cfg: cfg, token: fmt.Sprintf("e2e-%d", time.Now().UnixNano()), dir: t.TempDir()}
	for i := 0; i < cfg.Size; i++ {
		c.NewMember()
	}
	ic := c.InitialCluster()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	errc := make(chan error, cfg.Size)
	for _, m := range c.Members {
		go func() { errc <- m.StartState(ctx, "new", ic) }()
	}
	dump := time.AfterFunc(20*time.Second, c.dumpGoroutines)
	defer dump.Stop()
	var firstErr error
	for range c.Members {
		if err := <-errc; err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	return c
}

// NewMember creates (without starting) a member with fresh ports and data
// dir; it is part of Members from now on.
func (c *Cluster) NewMember() *Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	name := fmt.Sprintf("m%d", c.next)
	c.next++
	p := NewProcess(c.t, Config{DataDir: filepath.Join(c.dir, name+".etcd")})
	u, _ := url.Parse(p.PeerURL)
	px, err := NewProxy(u.Host)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(px.Close)
	m := &Member{Process: p, Name: name, Proxy: px, c: c}
	c.Members = append(c.Members, m)
	return m
}

// Remove forgets m (after MemberRemove); it is stopped.
func (c *Cluster) Remove(m *Member) {
	m.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, o := range c.Members {
		if o == m {
			c.Members = append(c.Members[:i], c.Members[i+1:]...)
			return
		}
	}
}

// InitialCluster is --initial-cluster for the current members.
func (c *Cluster) InitialCluster() string {
	var parts []string
	for _, m := range c.Members {
		parts = append(parts, m.Name+"="+m.Proxy.URL())
	}
	return strings.Join(parts, ",")
}

// Endpoints are the members' client URLs.
func (c *Cluster) Endpoints() []string {
	var out []string
	for _, m := range c.Members {
		out = append(out, m.ClientURL)
	}
	return out
}

// StartState runs the member with --initial-cluster-state state and
// --initial-cluster ic and waits until it serves.
func (m *Member) StartState(ctx context.Context, state, ic string) error {
	cfg := m.c.cfg
	m.args = append([]string{
		"--name", m.Name,
		"--data-dir", m.DataDir(),
		"--listen-client-urls", m.ClientURL,
		"--advertise-client-urls", m.ClientURL,
		"--listen-peer-urls", m.PeerURL,
		"--initial-advertise-peer-urls", m.Proxy.URL(),
		"--initial-cluster", ic,
		"--initial-cluster-state", state,
		"--initial-cluster-token", m.c.token,
		"--heartbeat-interval", fmt.Sprint(cfg.HeartbeatMs),
		"--election-timeout", fmt.Sprint(cfg.ElectionMs),
	}, cfg.Args...)
	return m.StartWith(ctx, m.args...)
}

// Restart runs the member again with the flags it last ran with (the
// bootstrap flags are ignored once the data dir exists).
func (m *Member) Restart(ctx context.Context) error {
	return m.StartWith(ctx, m.args...)
}

var idRE = regexp.MustCompile(`"local-member-id":"([0-9a-f]+)"`)

// ID is the member's ID in hex, as its log reports it.
func (m *Member) ID() string {
	if m.id == "" {
		if mm := idRE.FindStringSubmatch(m.Log()); mm != nil {
			m.id = mm[1]
		}
	}
	return m.id
}

// Isolate cuts every link between m and the other members.
func (c *Cluster) Isolate(m *Member) {
	for _, o := range c.Members {
		if o == m {
			continue
		}
		o.Proxy.Block(m.ID())
		m.Proxy.Block(o.ID())
	}
}

// Heal restores every link.
func (c *Cluster) Heal() {
	for _, m := range c.Members {
		m.Proxy.UnblockAll()
	}
}

// Cut cuts the link between a and b in both directions.
func (c *Cluster) Cut(a, b *Member) {
	a.Proxy.Block(b.ID())
	b.Proxy.Block(a.ID())
}

// WaitExit waits for the member's process to exit by itself.
func (m *Member) WaitExit(timeout time.Duration) bool {
	if m.exitc == nil {
		return false
	}
	select {
	case <-m.exitc:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Wipe forgets the member's ID (after its data dir was removed, it joins
// again as a new member).
func (m *Member) Wipe() { m.id = "" }

// Signal sends sig to the member's process.
func (p *Process) Signal(sig os.Signal) {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(sig)
	}
}

// dumpGoroutines makes the running members print their goroutines and
// saves their logs in $ETCDGO_CLUSTER_LOGS (debugging a stuck start).
func (c *Cluster) dumpGoroutines() {
	dir := os.Getenv("ETCDGO_CLUSTER_LOGS")
	if dir == "" {
		return
	}
	for _, m := range c.Members {
		m.Signal(syscall.SIGQUIT)
	}
	time.Sleep(time.Second)
	for _, m := range c.Members {
		_ = os.WriteFile(filepath.Join(dir, "dump-"+m.Name+".log"), []byte(m.Log()), 0o644)
	}
}
