package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestGateway uses etcd's JSON gateway for lease, KV, lock and election.
func TestGateway(t *testing.T) {
	p, _ := startMember(t, e2e.Config{})
	post := func(path, body string) map[string]any {
		t.Helper()
		resp, err := http.Post(p.ClientURL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v: %s", path, err, b)
		}
		return m
	}
	if g := post("/v3/lease/grant", `{"TTL": 30, "ID": 77}`); g["ID"] != "77" || g["TTL"] != "30" {
		t.Fatalf("grant: %v", g)
	}
	post("/v3/kv/put", `{"key":"Zm9v","value":"YmFy","lease":"77"}`)
	r := post("/v3/kv/range", `{"key":"Zm9v"}`)
	kvs, _ := r["kvs"].([]any)
	if len(kvs) != 1 || kvs[0].(map[string]any)["lease"] != "77" {
		t.Fatalf("range: %v", r)
	}
	if ttl := post("/v3/lease/timetolive", `{"ID": 77, "keys": true}`); ttl["grantedTTL"] != "30" {
		t.Fatalf("timetolive: %v", ttl)
	}
	if l := post("/v3/lock/lock", `{"name":"bG9jaw==","lease":77}`); !strings.HasPrefix(l["key"].(string), "bG9ja") {
		t.Fatalf("lock: %v", l)
	}
	c := post("/v3/election/campaign", `{"name":"ZQ==","lease":77,"value":"dg=="}`)
	if c["leader"] == nil {
		t.Fatalf("campaign: %v", c)
	}
	l := post("/v3/election/leader", `{"name":"ZQ=="}`)
	if l["kv"].(map[string]any)["value"] != "dg==" {
		t.Fatalf("leader: %v", l)
	}
	post("/v3/lease/revoke", `{"ID": 77}`)
	if r := post("/v3/kv/range", `{"key":"Zm9v"}`); r["kvs"] != nil {
		t.Fatalf("after revoke: %v", r)
	}
}
