package clientv3

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

var (
	// ErrNoAvailableEndpoints is returned by New without endpoints.
	ErrNoAvailableEndpoints = errors.New("etcdclient: no available endpoints")
	// ErrOldCluster is returned by New with RejectOldCluster against an
	// outdated cluster.
	ErrOldCluster = errors.New("etcdclient: old cluster version")
	// ErrMutuallyExclusiveCfg is returned when both a token and a
	// username/password are configured.
	ErrMutuallyExclusiveCfg = errors.New("Username/Password and Token configurations are mutually exclusive") //nolint:staticcheck // etcd's text
)

// ContextError converts an error from a call made with ctx into what the
// caller sees: etcd's server errors become rpctypes errors, and a
// cancellation or deadline caused by ctx becomes ctx.Err().
func ContextError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	err = rpctypes.Error(err)
	var etcdErr rpctypes.EtcdError
	if errors.As(err, &etcdErr) {
		return err
	}
	if s, ok := status.FromError(err); ok {
		switch s.Code() {
		case codes.DeadlineExceeded, codes.Canceled:
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	return err
}

// IsConnCanceled reports whether err comes from a closed client
// connection.
func IsConnCanceled(err error) bool {
	if err == nil {
		return false
	}
	if s, ok := status.FromError(err); ok {
		return s.Code() == codes.Canceled || s.Message() == "transport is closing"
	}
	if errors.Is(err, context.Canceled) {
		return true
	}
	return strings.Contains(err.Error(), "grpc: the client connection is closing")
}

// isHaltErr reports whether a call failing with err must not be retried:
// the caller's context is over, or the error is neither Unavailable nor
// Internal (which a new connection may cure).
func isHaltErr(ctx context.Context, err error) bool {
	if ctx != nil && ctx.Err() != nil {
		return true
	}
	if err == nil {
		return false
	}
	code := status.Code(err)
	return code != codes.Unavailable && code != codes.Internal
}

// canceledByCaller reports whether err is stopCtx's own end.
func canceledByCaller(stopCtx context.Context, err error) bool {
	if stopCtx.Err() == nil || err == nil {
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
