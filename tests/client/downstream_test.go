// The downstream-module check is about our client's module graph, not a
// client's behaviour: tests/clientetcd does not copy it.
//
//clientetcd:exclude

package client

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// repoDir is the workspace root, found from this file.
func repoDir(t *testing.T) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate source")
	}
	dir, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// serverSide matches modules a client program must never pull in.
var serverSide = regexp.MustCompile(`^(github\.com/etcdgo/etcd/(server|mvcc|raftwal|etcdutl)/v3|go\.etcd\.io/raft(/v3)?|go\.etcd\.io/bbolt|go\.etcd\.io/etcd/)( |$)`)

// TestDownstreamModuleGetsNoServerCode builds a program in a module of its
// own, outside the workspace, that imports our client; its module graph
// must hold no server-side module.
func TestDownstreamModuleGetsNoServerCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	repo := repoDir(t)
	dir := t.TempDir()
	gomod := `module example.com/downstream

go 1.26.0

require (
	github.com/etcdgo/etcd/api/v3 v3.0.0
	github.com/etcdgo/etcd/client/v3 v3.0.0
)

replace (
	github.com/etcdgo/etcd/api/v3 => ` + filepath.Join(repo, "api") + `
	github.com/etcdgo/etcd/client/v3 => ` + filepath.Join(repo, "client", "v3") + `
)
`
	main := `package main

import (
	"context"
	"fmt"
	"time"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
	"github.com/etcdgo/etcd/client/v3/namespace"
	"github.com/etcdgo/etcd/client/v3/naming/resolver"
)

func main() {
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{"127.0.0.1:2379"}, DialTimeout: time.Second})
	if err != nil {
		panic(err)
	}
	defer cli.Close()
	cli.KV = namespace.NewKV(cli.KV, "app/")
	_, _ = resolver.NewBuilder(cli)
	_ = concurrency.NewLocker
	fmt.Println(cli.Endpoints(), context.Background() != nil)
}
`
	for name, body := range map[string]string{"go.mod": gomod, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("mod", "tidy")
	run("build", "-o", filepath.Join(dir, "downstream"), ".")
	mods := run("list", "-m", "all")
	for _, line := range strings.Split(mods, "\n") {
		if serverSide.MatchString(line) {
			t.Errorf("downstream module graph holds %q", line)
		}
	}
	if !strings.Contains(mods, "github.com/etcdgo/etcd/client/v3") {
		t.Fatalf("go list -m all does not list the client:\n%s", mods)
	}
}
