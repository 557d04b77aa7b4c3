package v3rpc

import (
	"context"
	"testing"

	"google.golang.org/grpc/metadata"
)

// TestRequireLeader: the "hasleader" metadata, in any case, asks for a
// leader; reading it does not copy the request's metadata.
func TestRequireLeader(t *testing.T) {
	// Metadata as gRPC hands it to a handler, with the headers every
	// client sends.
	incoming := func(kv ...string) context.Context {
		md := metadata.MD{":authority": {"127.0.0.1:2379"}, "content-type": {"application/grpc"}, "user-agent": {"grpc-go/1.83.2"}}
		for i := 0; i+1 < len(kv); i += 2 {
			md[kv[i]] = append(md[kv[i]], kv[i+1])
		}
		return metadata.NewIncomingContext(context.Background(), md)
	}
	tests := []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"no metadata", context.Background(), false},
		{"absent", incoming(), false},
		{"hasleader true", incoming("hasleader", "true"), true},
		{"hasleader false", incoming("hasleader", "false"), false},
		{"upper case key", incoming("HasLeader", "true"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := requireLeader(tt.ctx); got != tt.want {
				t.Fatalf("requireLeader = %v, want %v", got, tt.want)
			}
		})
	}
	ctx := incoming()
	if got := testing.AllocsPerRun(100, func() { requireLeader(ctx) }); got != 0 {
		t.Fatalf("requireLeader without the key: %v allocations, want none", got)
	}
}
