package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

func TestVersion(t *testing.T) {
	out, _, code := e2e.RunOnce(t, t.TempDir(), nil, "--version")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 5 || lines[0] != "etcd Version: 3.7.3" ||
		!strings.HasPrefix(lines[1], "Git SHA: ") || !strings.HasPrefix(lines[2], "Go Version: ") || !strings.HasPrefix(lines[3], "Go OS/Arch: ") {
		t.Fatalf("--version (exit %d):\n%s", code, out)
	}
}

// TestBadFlags: unknown flags and bad values exit non-zero with a message,
// before the data dir is created.
func TestBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"unknown flag", []string{"--no-such-flag"}, nil, "unknown flag: --no-such-flag"},
		{"bad number", []string{"--snapshot-count", "many"}, nil, "snapshot-count"},
		{"bad url", []string{"--listen-client-urls", "ftp://x:1", "--advertise-client-urls", "http://x:1"}, nil, "listen-client-urls"},
		{"bad election", []string{"--election-timeout", "100"}, nil, "election-timeout"},
		{"bad cluster state", []string{"--initial-cluster-state", "maybe"}, nil, "maybe"},
		{"bad compaction mode", []string{"--auto-compaction-mode", "sometimes", "--auto-compaction-retention", "1"}, nil, "sometimes"},
		{"bad retention", []string{"--auto-compaction-retention", "soon"}, nil, "auto-compaction-retention"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "loud"},
		{"listen without advertise", []string{"--listen-client-urls", "http://127.0.0.1:1"}, nil, "--advertise-client-urls is required"},
		{"name not in cluster", []string{"--name", "x", "--initial-cluster", "y=http://localhost:2380"}, nil, "couldn't find local name"},
		{"bad env", nil, []string{"ETCD_SNAPSHOT_COUNT=lots"}, "ETCD_SNAPSHOT_COUNT"},
		{"positional arg", []string{"foo"}, nil, "foo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, stderr, code := e2e.RunOnce(t, dir, tt.env, tt.args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant it to mention %q", code, stderr, tt.want)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Fatalf("data dir touched: %v", ents)
			}
		})
	}
}

// TestEnvAndConfigFile: ETCD_* variables and --config-file set the flags.
func TestEnvAndConfigFile(t *testing.T) {
	client := fmt.Sprintf("http://127.0.0.1:%d", e2e.FreePort(t))
	peer := fmt.Sprintf("http://127.0.0.1:%d", e2e.FreePort(t))
	dir := t.TempDir()
	yaml := fmt.Sprintf("name: fromfile\ndata-dir: %s\nlisten-client-urls: %s\nadvertise-client-urls: %s\nlisten-peer-urls: %s\ninitial-advertise-peer-urls: %s\ninitial-cluster: fromfile=%s\nlog-outputs: [stderr]\nsnapshot-count: 7\n",
		filepath.Join(dir, "file.etcd"), client, client, peer, peer, peer)
	cfgPath := filepath.Join(dir, "etcd.yaml")
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		dir  string
	}{
		{"config file", nil, []string{"--config-file", cfgPath}, "file.etcd"},
		{"env", []string{"ETCD_NAME=fromenv", "ETCD_DATA_DIR=" + filepath.Join(dir, "env.etcd"), "ETCD_LISTEN_CLIENT_URLS=" + client, "ETCD_ADVERTISE_CLIENT_URLS=" + client,
			"ETCD_LISTEN_PEER_URLS=" + peer, "ETCD_INITIAL_ADVERTISE_PEER_URLS=" + peer, "ETCD_INITIAL_CLUSTER=fromenv=" + peer, "ETCD_SOMETHING_UNKNOWN=1"}, nil, "env.etcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e2e.NewProcess(t, e2e.Config{DataDir: filepath.Join(dir, "unused"), Env: tc.env})
			p.ClientURL = client
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := p.StartWith(ctx, tc.args...); err != nil {
				t.Fatal(err)
			}
			defer p.Stop()
			if _, err := os.Stat(filepath.Join(dir, tc.dir, "member", "wal")); err != nil {
				t.Fatalf("data dir from %s not used: %v", tc.name, err)
			}
			cli := newClient(t, client)
			if _, err := cli.Put(ctx, "k", "v"); err != nil {
				t.Fatal(err)
			}
			if tc.env != nil && !strings.Contains(p.Log(), "unrecognized environment variable ETCD_SOMETHING_UNKNOWN") {
				t.Fatalf("no warning about an unknown ETCD_ variable:\n%s", p.Log())
			}
		})
	}
}
