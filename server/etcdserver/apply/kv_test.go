package apply

import (
	"context"
	"errors"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
)

func putReq(p *pb.PutRequest) *pb.InternalRaftRequest { return &pb.InternalRaftRequest{Put: p} }

// TestApplyPut: the applied put's result carries a PutResponse with its
// header's revision and, when asked, the previous key-value.
func TestApplyPut(t *testing.T) {
	a := newTestApplier(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		req     *pb.PutRequest
		wantRev int64
		wantPrv string
		wantErr error
	}{
		{"create", &pb.PutRequest{Key: []byte("k"), Value: []byte("v1")}, 2, "", nil},
		{"overwrite", &pb.PutRequest{Key: []byte("k"), Value: []byte("v2")}, 3, "", nil},
		{"prev kv", &pb.PutRequest{Key: []byte("k"), Value: []byte("v3"), PrevKv: true}, 4, "v2", nil},
		{"ignore value of a missing key", &pb.PutRequest{Key: []byte("nokey"), IgnoreValue: true}, 0, "", errs.ErrKeyNotFound},
		{"ignore value", &pb.PutRequest{Key: []byte("k"), IgnoreValue: true, PrevKv: true}, 5, "v3", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.Apply(ctx, putReq(tt.req))
			if !errors.Is(res.Err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", res.Err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			resp, ok := res.Resp.(*pb.PutResponse)
			if !ok || resp.Header == nil || resp.Header.Revision != tt.wantRev {
				t.Fatalf("response %v, want header revision %d", res.Resp, tt.wantRev)
			}
			if got := string(resp.GetPrevKv().GetValue()); got != tt.wantPrv {
				t.Fatalf("prev value %q, want %q", got, tt.wantPrv)
			}
		})
	}
	// The responses are distinct messages.
	r1 := a.Apply(ctx, putReq(&pb.PutRequest{Key: []byte("a"), Value: []byte("1")})).Resp.(*pb.PutResponse)
	r2 := a.Apply(ctx, putReq(&pb.PutRequest{Key: []byte("b"), Value: []byte("2")})).Resp.(*pb.PutResponse)
	if r1 == r2 || r1.Header == r2.Header || r1.Header.Revision+1 != r2.Header.Revision {
		t.Fatalf("responses share state: %v %v", r1, r2)
	}
}

// TestRange: the response's header revision, count, key-values and More.
func TestRange(t *testing.T) {
	a := newTestApplier(t)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		if res := a.Apply(ctx, putReq(&pb.PutRequest{Key: []byte(k), Value: []byte("v" + k)})); res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	tests := []struct {
		name      string
		req       *pb.RangeRequest
		wantKeys  []string
		wantCount int64
		wantMore  bool
	}{
		{"one key", &pb.RangeRequest{Key: []byte("b")}, []string{"b"}, 1, false},
		{"missing key", &pb.RangeRequest{Key: []byte("x")}, nil, 0, false},
		{"all", &pb.RangeRequest{Key: []byte("a"), RangeEnd: []byte("z")}, []string{"a", "b", "c"}, 3, false},
		{"limit", &pb.RangeRequest{Key: []byte("a"), RangeEnd: []byte("z"), Limit: 2}, []string{"a", "b"}, 3, true},
		{"from key", &pb.RangeRequest{Key: []byte("b"), RangeEnd: []byte{0}}, []string{"b", "c"}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := Range(ctx, a.kv, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Header == nil || resp.Header.Revision != 4 || resp.Count != tt.wantCount || resp.More != tt.wantMore {
				t.Fatalf("response %v", resp)
			}
			var keys []string
			for _, kv := range resp.Kvs {
				if string(kv.Value) != "v"+string(kv.Key) {
					t.Fatalf("value of %s: %q", kv.Key, kv.Value)
				}
				keys = append(keys, string(kv.Key))
			}
			if len(keys) != len(tt.wantKeys) {
				t.Fatalf("keys %v, want %v", keys, tt.wantKeys)
			}
			for i := range keys {
				if keys[i] != tt.wantKeys[i] {
					t.Fatalf("keys %v, want %v", keys, tt.wantKeys)
				}
			}
		})
	}
}
