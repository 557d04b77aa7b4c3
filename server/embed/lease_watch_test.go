package embed

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"go.uber.org/zap"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
)

// TestLeaseWatchLockInProcess drives watch, lease, lock and election in
// one process so that -race sees the server side of all of them.
func TestLeaseWatchLockInProcess(t *testing.T) {
	client, peer := freeURL(t), freeURL(t)
	cfg := NewConfig()
	cfg.Dir = t.TempDir()
	cfg.ZapLogger = zap.NewNop()
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LeaseCheckpointInterval = time.Second
	cfg.WatchProgressNotifyInterval = 100 * time.Millisecond
	e, err := StartEtcd(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	<-e.Server.ReadyNotify()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{client.String()}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	wch := cli.Watch(ctx, "r/", clientv3.WithPrefix(), clientv3.WithPrevKV(), clientv3.WithProgressNotify())
	kept, err := cli.Grant(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	ka, err := cli.KeepAlive(ctx, kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range ka {
		}
	}()
	short, err := cli.Grant(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		id := kept.ID
		if i%2 == 0 {
			id = short.ID
		}
		if _, err := cli.Put(ctx, fmt.Sprintf("r/%d", i), "v", clientv3.WithLease(id)); err != nil {
			t.Fatal(err)
		}
	}
	// Expiry of the short lease deletes its ten keys in one revision.
	deletes := 0
	for deletes < 10 {
		select {
		case r := <-wch:
			for _, ev := range r.Events {
				if ev.Type == clientv3.EventTypeDelete {
					deletes++
					if ev.PrevKv == nil {
						t.Fatal("delete without prev kv")
					}
				}
			}
		case <-ctx.Done():
			t.Fatal("no expiry")
		}
	}
	if ttl, err := cli.TimeToLive(ctx, kept.ID, clientv3.WithAttachedKeys()); err != nil || len(ttl.Keys) != 10 {
		t.Fatalf("kept lease: %+v %v", ttl, err)
	}
	if err := cli.RequestProgress(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := concurrency.NewSession(cli)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := concurrency.NewMutex(s, "lock/")
	if err := m.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	el := concurrency.NewElection(s, "el/")
	if err := el.Campaign(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if err := el.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Revoke(ctx, kept.ID); err != nil {
		t.Fatal(err)
	}
}
