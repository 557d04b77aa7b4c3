package rpctypes

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestErrorMapsKnownServerErrors(t *testing.T) {
	tests := []struct {
		server, client error
		code           codes.Code
	}{
		{ErrGRPCEmptyKey, ErrEmptyKey, codes.InvalidArgument},
		{ErrGRPCCompacted, ErrCompacted, codes.OutOfRange},
		{ErrGRPCFutureRev, ErrFutureRev, codes.OutOfRange},
		{ErrGRPCNoSpace, ErrNoSpace, codes.ResourceExhausted},
		{ErrGRPCLeaseNotFound, ErrLeaseNotFound, codes.NotFound},
		{ErrGRPCPermissionDenied, ErrPermissionDenied, codes.PermissionDenied},
		{ErrGRPCRequestTooLarge, ErrRequestTooLarge, codes.InvalidArgument},
		{ErrGRPCNoLeader, ErrNoLeader, codes.Unavailable},
		{ErrGRPCNotLeader, ErrNotLeader, codes.FailedPrecondition},
		{ErrGRPCInvalidAuthToken, ErrInvalidAuthToken, codes.Unauthenticated},
		{ErrGRPCCorrupt, ErrCorrupt, codes.DataLoss},
	}
	for _, tt := range tests {
		t.Run(ErrorDesc(tt.server), func(t *testing.T) {
			// What a client receives is a fresh status with the same code and text.
			received := status.Error(status.Code(tt.server), ErrorDesc(tt.server))
			got := Error(received)
			if got != tt.client {
				t.Fatalf("Error(%v) = %#v, want %#v", received, got, tt.client)
			}
			if ee, ok := got.(EtcdError); !ok || ee.Code() != tt.code || ee.Error() != ErrorDesc(tt.server) {
				t.Fatalf("client error %#v, want code %v", got, tt.code)
			}
		})
	}
}

func TestErrorPassesOthersThrough(t *testing.T) {
	plain := errors.New("plain")
	for _, err := range []error{plain, ErrGRPCWatchCanceled, ErrGRPCCanceled, ErrGRPCDeadlineExceeded,
		ErrGRPCTimeoutWaitAppliedIndex, ErrGRPCInvalidClientAPIVersion, ErrGRPCPermissionNotGiven,
		status.Error(codes.Unavailable, "transport is closing")} {
		if got := Error(err); got != err {
			t.Errorf("Error(%v) = %v, want it unchanged", err, got)
		}
	}
	if Error(nil) != nil {
		t.Error("Error(nil) != nil")
	}
	if ErrorDesc(plain) != "plain" {
		t.Error("ErrorDesc of a plain error")
	}
}

func TestDeprecatedAliases(t *testing.T) {
	if ErrGRPCClusterIdMismatch != ErrGRPCClusterIDMismatch || ErrClusterIdMismatch != ErrClusterIDMismatch {
		t.Fatal("deprecated aliases differ")
	}
}
