package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestProxyForwardsAndBlocks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	defer srv.Close()
	p, err := NewProxy(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 3 * time.Second}
	post := func(from string) error {
		req, _ := http.NewRequest(http.MethodPost, p.URL()+"/x", strings.NewReader("hello"))
		req.Header.Set("X-Server-From", from)
		req.Close = true
		resp, err := cl.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "hello" {
			t.Fatalf("got %q", b)
		}
		return nil
	}
	tests := []struct {
		name    string
		block   string
		from    string
		wantErr bool
	}{
		{"open", "", "a1", false},
		{"blocked sender", "a1", "a1", true},
		{"other sender", "a1", "b2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.UnblockAll()
			if tt.block != "" {
				p.Block(tt.block)
			}
			start := time.Now()
			err := post(tt.from)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}
