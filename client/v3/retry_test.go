package clientv3

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		method string
		want   retryPolicy
	}{
		{pb.KV_Range_FullMethodName, repeatable},
		{pb.KV_Put_FullMethodName, nonRepeatable},
		{pb.KV_Txn_FullMethodName, nonRepeatable},
		{pb.Lease_LeaseGrant_FullMethodName, repeatable},
		{pb.Maintenance_Defragment_FullMethodName, nonRepeatable},
		{pb.Auth_UserGet_FullMethodName, repeatable},
		{pb.Auth_UserAdd_FullMethodName, nonRepeatable},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			if got := policyFor(tt.method); got != tt.want {
				t.Fatalf("policy = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSafeRetry(t *testing.T) {
	unavailable := status.Error(codes.Unavailable, "connection reset")
	notSent := status.Error(codes.Unavailable, "there is no address available")
	tests := []struct {
		name      string
		err       error
		immutable bool
		mutable   bool
	}{
		{"unavailable", unavailable, true, false},
		{"not sent", notSent, true, true},
		{"no leader", rpctypes.ErrGRPCNoLeader, true, false},
		{"empty key", rpctypes.ErrGRPCEmptyKey, false, false},
		{"deadline", status.Error(codes.DeadlineExceeded, "x"), false, false},
		{"not a status", errors.New("x"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isSafeRetryImmutableRPC(tt.err); got != tt.immutable {
				t.Errorf("immutable = %v", got)
			}
			if got := isSafeRetryMutableRPC(tt.err); got != tt.mutable {
				t.Errorf("mutable = %v", got)
			}
		})
	}
}

func TestWatchResponseErr(t *testing.T) {
	tests := []struct {
		name string
		wr   WatchResponse
		want error
	}{
		{"ok", WatchResponse{}, nil},
		{"compacted", WatchResponse{CompactRevision: 3, Canceled: true}, rpctypes.ErrCompacted},
		{"canceled", WatchResponse{Canceled: true}, rpctypes.ErrFutureRev},
		{"permission", WatchResponse{Canceled: true, CancelReason: "etcdserver: permission denied"}, rpctypes.ErrPermissionDenied},
		{"closed", WatchResponse{closeErr: rpctypes.ErrGRPCNoLeader}, rpctypes.ErrNoLeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.wr.Err(); got != tt.want {
				t.Fatalf("Err() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := New(Config{}); err != ErrNoAvailableEndpoints {
		t.Fatalf("no endpoints: %v", err)
	}
	if _, err := New(Config{Endpoints: []string{"x:1"}, Username: "u", Password: "p", Token: "t"}); err != ErrMutuallyExclusiveCfg {
		t.Fatalf("token and password: %v", err)
	}
	_, err := New(Config{Endpoints: []string{"x:1"}, MaxCallSendMsgSize: 10, MaxCallRecvMsgSize: 5})
	if err == nil || err.Error() != "gRPC message recv limit (5 bytes) must be greater than send limit (10 bytes)" {
		t.Fatalf("message limits: %v", err)
	}
}
