package embed

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/raftwal/v3/wal"
)

// TestRetainsMaxFiles: with small WAL segments and frequent snapshots, the
// member keeps at most --max-wals WAL files (plus the ones it still holds)
// and --max-snapshots snapshot files, and restarts from what is left.
func TestRetainsMaxFiles(t *testing.T) {
	tests := []struct {
		name            string
		maxWALs         uint
		wantAtMostWALs  int
		wantAtLeastWALs int
	}{
		{name: "purged", maxWALs: 2, wantAtMostWALs: 3},
		{name: "unlimited", maxWALs: 0, wantAtLeastWALs: 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			client, peer := freeURL(t), freeURL(t)
			cfg := NewConfig()
			cfg.Dir = dir
			cfg.ZapLogger = zap.NewNop()
			cfg.UnsafeNoFsync = true
			cfg.SnapshotCount = 50
			cfg.SnapshotCatchUpEntries = 5
			cfg.MaxSnapFiles, cfg.MaxWalFiles = 2, tt.maxWALs
			cfg.WALSegmentSizeBytes = 8 * 1024
			cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
			cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
			cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)

			e := startReady(t, cfg)
			ctx := context.Background()
			const n = 600
			for i := 0; i < n; i++ {
				if _, err := e.Server.Put(ctx, &pb.PutRequest{Key: []byte(fmt.Sprintf("k%04d", i)), Value: []byte(strings.Repeat("v", 64))}); err != nil {
					t.Fatal(err)
				}
			}
			e.Close()

			wals := files(t, filepath.Join(dir, "member", "wal"), ".wal")
			snaps := files(t, filepath.Join(dir, "member", "snap"), ".snap")
			if tt.wantAtMostWALs > 0 && len(wals) > tt.wantAtMostWALs {
				t.Fatalf("%d WAL files kept, want at most %d: %v", len(wals), tt.wantAtMostWALs, wals)
			}
			if len(wals) < tt.wantAtLeastWALs {
				t.Fatalf("%d WAL files, want at least %d (segments too large for the test?)", len(wals), tt.wantAtLeastWALs)
			}
			// The WAL was cut many times either way.
			if seq, _, err := wal.ParseWALName(wals[len(wals)-1]); err != nil || seq < 8 {
				t.Fatalf("last segment %s: only %d cuts (%v)", wals[len(wals)-1], seq, err)
			}
			if len(snaps) > 2 {
				t.Fatalf("%d snapshot files kept, want at most 2: %v", len(snaps), snaps)
			}

			e = startReady(t, cfg)
			defer e.Close()
			resp, err := e.Server.Range(ctx, &pb.RangeRequest{Key: []byte("k"), RangeEnd: []byte("l"), CountOnly: true})
			if err != nil || resp.Count != n {
				t.Fatalf("after restart: count %v, %v", resp.GetCount(), err)
			}
		})
	}
}

func startReady(t *testing.T, cfg *Config) *Etcd {
	t.Helper()
	e, err := StartEtcd(cfg)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		e.Close()
		t.Fatal("server not ready")
	}
	return e
}

func files(t *testing.T, dir, suffix string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), suffix) {
			out = append(out, e.Name())
		}
	}
	return out
}
