package embed

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// TestPprof: --enable-pprof serves net/http/pprof under /debug/pprof/ on
// the client URL and logs "pprof is enabled"; without it the paths 404.
func TestPprof(t *testing.T) {
	tests := []struct {
		name     string
		enable   bool
		wantCode int
	}{
		{"enabled", true, http.StatusOK},
		{"disabled", false, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zap.InfoLevel)
			client, peer := freeURL(t), freeURL(t)
			cfg := NewConfig()
			cfg.Dir = t.TempDir()
			cfg.ZapLogger = zap.New(core)
			cfg.EnablePprof = tt.enable
			cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
			cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
			cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
			e := startReady(t, cfg)
			defer e.Close()

			for _, path := range []string{"/debug/pprof/", "/debug/pprof/allocs?debug=1", "/debug/pprof/heap?debug=1", "/debug/pprof/cmdline"} {
				resp, err := http.Get(client.String() + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.wantCode {
					t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, tt.wantCode, body)
				}
				if tt.enable && path == "/debug/pprof/" && !strings.Contains(string(body), "allocs") {
					t.Fatalf("GET %s: no profile index:\n%s", path, body)
				}
			}
			logged := logs.FilterMessage("pprof is enabled").FilterField(zap.String("path", "/debug/pprof")).Len()
			if (logged == 1) != tt.enable {
				t.Fatalf(`"pprof is enabled" logged %d times with enable=%v`, logged, tt.enable)
			}
		})
	}
}
