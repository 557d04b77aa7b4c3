package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// profiler collects pprof profiles of our server (run with --enable-pprof)
// during a workload: a CPU profile of the first seconds of the run and the
// allocations profile (every allocation since the member started) at its
// end, from the leader, into dir.
type profiler struct {
	dir     string
	seconds int
	logf    func(string, ...any)
}

// checkProfileDir makes dir (and refuses one inside the repository, so
// profiles never end up committed) and returns its absolute path.
func checkProfileDir(dir, repo string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if repo != "" {
		if rabs, err := filepath.Abs(repo); err == nil {
			if rel, err := filepath.Rel(rabs, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return "", fmt.Errorf("-profile %s is inside the repository %s: profiles are kept out of it", dir, repo)
			}
		}
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", err
	}
	return abs, nil
}

// profileName is the file name prefix of a run's profiles: "3m-put-16x256-val-256".
func profileName(size int, workload string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(workload) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return fmt.Sprintf("%dm-%s", size, strings.TrimSuffix(b.String(), "-"))
}

// start begins the CPU profile of the cluster's leader (its client URL
// serves /debug/pprof/); the returned function, called when the workload
// is over, writes the allocations profile and waits for the CPU profile.
func (p *profiler) start(ctx context.Context, c *cluster, name string) func() error {
	base, err := leaderURL(ctx, c)
	if err != nil {
		return func() error { return fmt.Errorf("profile: %w", err) }
	}
	cpuPath := filepath.Join(p.dir, name+".cpu.pprof")
	allocsPath := filepath.Join(p.dir, name+".allocs.pprof")
	cpuErr := make(chan error, 1)
	go func() {
		cpuErr <- fetchProfile(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, p.seconds), cpuPath)
	}()
	return func() error {
		errAllocs := fetchProfile(ctx, base+"/debug/pprof/allocs", allocsPath)
		err := errors.Join(<-cpuErr, errAllocs)
		if err == nil {
			p.logf("  profiles: %s, %s", cpuPath, allocsPath)
		}
		return err
	}
}

// leaderURL is the client URL of the member that leads.
func leaderURL(ctx context.Context, c *cluster) (string, error) {
	if len(c.members) == 1 {
		return c.members[0].clientURL, nil
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: c.endpoints(), DialTimeout: 5 * time.Second, Context: ctx})
	if err != nil {
		return "", err
	}
	defer cli.Close()
	for _, m := range c.members {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		st, err := cli.Status(sctx, m.clientURL)
		cancel()
		if err == nil && st.Header != nil && st.Leader == st.Header.MemberId {
			return m.clientURL, nil
		}
	}
	return "", errors.New("no member reports itself leader")
}

// fetchProfile writes the body of a pprof endpoint to path.
func fetchProfile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
