package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestSnapshotRestart writes enough with a small --snapshot-count for
// several snapshots, then restarts (clean stop, then SIGKILL) and checks
// that snapshot + WAL replay restore every key and the revision.
func TestSnapshotRestart(t *testing.T) {
	p, cli := startMember(t, e2e.Config{Args: []string{"--snapshot-count", "25"}})
	ctx := ctxT(t)
	for i := 0; i < 300; i++ {
		if _, err := cli.Put(ctx, fmt.Sprintf("s/%03d", i%120), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cli.Delete(ctx, "s/00", clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	before, err := cli.Get(ctx, "s/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	snaps, _ := filepath.Glob(filepath.Join(p.DataDir(), "member", "snap", "*.snap"))
	if len(snaps) < 2 {
		t.Fatalf("want several snapshot files, got %v", snaps)
	}
	for _, stop := range []struct {
		name string
		fn   func()
	}{{"sigterm", p.Stop}, {"sigkill", p.Kill}} {
		t.Run(stop.name, func(t *testing.T) {
			stop.fn()
			sctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := p.Start(sctx); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.Log(), "recovered v3 backend from snapshot") {
				t.Fatalf("restart did not load a snapshot:\n%s", p.Log())
			}
			cli2 := newClient(t, p.ClientURL)
			after, err := cli2.Get(sctx, "s/", clientv3.WithPrefix())
			if err != nil {
				t.Fatal(err)
			}
			if after.Header.Revision != before.Header.Revision || len(after.Kvs) != len(before.Kvs) {
				t.Fatalf("after restart rev %d, %d keys; before rev %d, %d keys", after.Header.Revision, len(after.Kvs), before.Header.Revision, len(before.Kvs))
			}
			for i := range before.Kvs {
				b, a := before.Kvs[i], after.Kvs[i]
				if string(a.Key) != string(b.Key) || string(a.Value) != string(b.Value) || a.ModRevision != b.ModRevision || a.Version != b.Version || a.CreateRevision != b.CreateRevision {
					t.Fatalf("key %d differs: %v vs %v", i, a, b)
				}
			}
			if _, err := cli2.Put(sctx, "s/new", "x"); err != nil {
				t.Fatal(err)
			}
			if _, err := cli2.Delete(sctx, "s/new"); err != nil {
				t.Fatal(err)
			}
			before.Header.Revision += 2
		})
	}
}

// TestGoRunDefaults runs `go run ./server` with no flags, as a user would,
// and puts and gets on localhost:2379 with etcd's client.
func TestGoRunDefaults(t *testing.T) {
	for _, port := range []string{"2379", "2380"} {
		if l, err := net.Listen("tcp", "localhost:"+port); err != nil {
			t.Skipf("port %s busy: %v", port, err)
		} else {
			l.Close()
		}
	}
	root, rerr := e2e.RepoRoot()
	if rerr != nil {
		t.Fatal(rerr)
	}
	dir := t.TempDir()
	cmd := exec.Command("go", "run", filepath.Join(root, "server"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(root, "go.work"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	cli := newClient(t, "http://localhost:2379")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var err error
	for ctx.Err() == nil {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		_, err = cli.Put(pctx, "hello", "world")
		pcancel()
		if err == nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	g, err := cli.Get(ctx, "hello")
	if err != nil || len(g.Kvs) != 1 || string(g.Kvs[0].Value) != "world" {
		t.Fatalf("get: %v %v", g, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "default.etcd", "member", "wal")); err != nil || !fi.IsDir() {
		t.Fatalf("default.etcd/member/wal: %v", err)
	}
}
