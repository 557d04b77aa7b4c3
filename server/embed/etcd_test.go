package embed

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
)

func freeURL(t *testing.T) url.URL {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	u, _ := url.Parse(fmt.Sprintf("http://%s", l.Addr()))
	return *u
}

func TestStartEtcdPutRangeRestart(t *testing.T) {
	dir := t.TempDir()
	client, peer := freeURL(t), freeURL(t)
	cfg := NewConfig()
	cfg.Dir = dir
	cfg.ZapLogger = zap.NewNop()
	cfg.SnapshotCount = 10
	cfg.SnapshotCatchUpEntries = 5
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)

	e := startReady(t, cfg)
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		if _, err := e.Server.Put(ctx, &pb.PutRequest{Key: []byte(fmt.Sprintf("k%02d", i)), Value: []byte("v")}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := e.Server.Range(ctx, &pb.RangeRequest{Key: []byte("k"), RangeEnd: []byte("l")})
	if err != nil || resp.Count != 50 || resp.Header.Revision != 51 {
		t.Fatalf("range: %v %v", resp, err)
	}
	e.Close()
	e.Close() // idempotent

	e = startReady(t, cfg)
	defer e.Close()
	resp, err = e.Server.Range(ctx, &pb.RangeRequest{Key: []byte("k"), RangeEnd: []byte("l"), Serializable: true})
	if err != nil || resp.Count != 50 || resp.Header.Revision != 51 {
		t.Fatalf("after restart: %v %v", resp, err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(c *Config)
		ok   bool
	}{
		{"defaults", func(c *Config) {}, true},
		{"election too short", func(c *Config) { c.ElectionMs = 100 }, false},
		{"bad state", func(c *Config) { c.ClusterState = "x" }, false},
		{"bad logger", func(c *Config) { c.Logger = "capnslog" }, false},
		{"revision mode", func(c *Config) { c.AutoCompactionMode = "revision"; c.AutoCompactionRetention = "100" }, true},
		{"name missing", func(c *Config) { c.Name = "other" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConfig()
			tt.mod(c)
			if err := c.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
