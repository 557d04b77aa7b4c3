package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"os"
	"path/filepath"
	"testing"
)

func TestProfileName(t *testing.T) {
	tests := []struct {
		size int
		name string
		want string
	}{
		{1, "put 1 client", "1m-put-1-client"},
		{3, "put 16x256 val=256", "3m-put-16x256-val-256"},
		{3, "lease keepalive 10000 leases", "3m-lease-keepalive-10000-leases"},
		{1, " odd  name! ", "1m-odd-name"},
	}
	for _, tt := range tests {
		if got := profileName(tt.size, tt.name); got != tt.want {
			t.Errorf("profileName(%d, %q) = %q, want %q", tt.size, tt.name, got, tt.want)
		}
	}
}

func TestCheckProfileDir(t *testing.T) {
	repo := t.TempDir()
	outside := t.TempDir()
	tests := []struct {
		name    string
		dir     string
		wantErr bool
	}{
		{"outside", filepath.Join(outside, "profiles"), false},
		{"repo itself", repo, true},
		{"inside", filepath.Join(repo, "profiles"), true},
		{"sibling with the repo's name as prefix", repo + "-profiles", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := checkProfileDir(tt.dir, repo)
			if (err != nil) != tt.wantErr {
				t.Fatalf("checkProfileDir(%s) = %q, %v; want error %v", tt.dir, got, err, tt.wantErr)
			}
			if err == nil {
				if st, err := os.Stat(got); err != nil || !st.IsDir() {
					t.Fatalf("%s not created: %v", got, err)
				}
			}
		})
	}
}

// TestProfilerWritesProfiles: the profiler fetches a CPU and an allocs
// profile from a member's /debug/pprof/ (net/http/pprof, as
// --enable-pprof serves it) into the directory.
func TestProfilerWritesProfiles(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	dir := t.TempDir()
	p := &profiler{dir: dir, seconds: 1, logf: t.Logf}
	c := &cluster{members: []*member{{name: "m0", clientURL: srv.URL}}}
	if err := p.start(context.Background(), c, "1m-put")(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"1m-put.cpu.pprof", "1m-put.allocs.pprof"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			t.Fatalf("%s is not a gzipped profile: %q", f, b[:min(len(b), 64)])
		}
	}

	// A member without pprof answers 404: the error says so.
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	c = &cluster{members: []*member{{name: "m0", clientURL: plain.URL}}}
	if err := p.start(context.Background(), c, "1m-x")(); err == nil {
		t.Fatal("no error from a server without pprof")
	}
}
