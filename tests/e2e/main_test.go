package e2e

import (
	"context"
	"os"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestMain removes the server binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	e2e.CleanupBinary()
	os.Exit(code)
}

// startMember starts a member with extra flags and returns a client.
func startMember(t *testing.T, cfg e2e.Config) (*e2e.Process, *clientv3.Client) {
	t.Helper()
	p := e2e.NewProcess(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return p, newClient(t, p.ClientURL)
}

func newClient(t *testing.T, url string) *clientv3.Client {
	t.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{url}, DialTimeout: 10 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
