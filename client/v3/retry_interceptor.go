package clientv3

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

// backoffFunc is how long to wait before the given attempt.
type backoffFunc func(attempt uint) time.Duration

// retryCallOption overrides the interceptor's retry settings for one call;
// it is removed before the call reaches gRPC.
type retryCallOption struct {
	grpc.EmptyCallOption
	max    *uint
	policy *retryPolicy
}

// withMax sets the maximum number of attempts of a call (0: no retry).
func withMax(n uint) grpc.CallOption { return retryCallOption{max: &n} }

// withRetryPolicy overrides the method's retry policy.
func withRetryPolicy(p retryPolicy) grpc.CallOption { return retryCallOption{policy: &p} }

type retrySettings struct {
	max    uint
	policy retryPolicy
}

// splitCallOptions separates our retry options from gRPC's.
func splitCallOptions(method string, defMax uint, opts []grpc.CallOption) ([]grpc.CallOption, retrySettings) {
	rs := retrySettings{max: defMax, policy: policyFor(method)}
	grpcOpts := make([]grpc.CallOption, 0, len(opts))
	for _, o := range opts {
		ro, ok := o.(retryCallOption)
		if !ok {
			grpcOpts = append(grpcOpts, o)
			continue
		}
		if ro.max != nil {
			rs.max = *ro.max
		}
		if ro.policy != nil {
			rs.policy = *ro.policy
		}
	}
	return grpcOpts, rs
}

// unaryClientInterceptor retries unary calls that are safe to retry,
// refreshing the auth token when the server rejects it.
func (c *Client) unaryClientInterceptor(maxAttempts uint, backoff backoffFunc) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		ctx = withVersion(ctx)
		grpcOpts, rs := splitCallOptions(method, maxAttempts, opts)
		if rs.max == 0 {
			return invoker(ctx, method, req, reply, cc, grpcOpts...)
		}
		var lastErr error
		for attempt := uint(0); attempt < rs.max; attempt++ {
			if err := waitBackoff(ctx, attempt, backoff); err != nil {
				return err
			}
			lastErr = invoker(ctx, method, req, reply, cc, grpcOpts...)
			if lastErr == nil {
				return nil
			}
			c.GetLogger().Warn("retrying of unary invoker failed",
				zap.String("target", cc.Target()),
				zap.String("method", method),
				zap.Uint("attempt", attempt),
				zap.Error(lastErr))
			if isContextError(lastErr) {
				if ctx.Err() != nil {
					return lastErr // the caller's context ended
				}
				continue // a per-attempt deadline: try again
			}
			if method != pb.Auth_Authenticate_FullMethodName && c.shouldRefreshToken(lastErr) {
				if err := c.refreshToken(ctx); err != nil {
					return err
				}
				continue
			}
			if !c.isSafeRetry(lastErr, rs.policy) {
				return lastErr
			}
		}
		return lastErr
	}
}

// streamClientInterceptor tags streams with the API version and makes sure
// they carry a fresh auth token (a watch may reconnect long after the
// token expired).
func (c *Client) streamClientInterceptor() grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		ctx = withVersion(ctx)
		if err := c.getToken(ctx); err != nil {
			c.GetLogger().Error("clientv3/retry_interceptor: getToken failed", zap.Error(err))
			return nil, err
		}
		grpcOpts, _ := splitCallOptions(method, 0, opts)
		return streamer(ctx, desc, cc, method, grpcOpts...)
	}
}

func waitBackoff(ctx context.Context, attempt uint, backoff backoffFunc) error {
	if attempt == 0 || backoff == nil {
		return nil
	}
	d := backoff(attempt)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return contextErrToGRPCErr(ctx.Err())
	case <-t.C:
		return nil
	}
}

// shouldRefreshToken reports whether err means the token must be renewed.
func (c *Client) shouldRefreshToken(err error) bool {
	if c.Token != "" {
		return false // the user's own token: nothing to renew it with
	}
	e := rpctypes.Error(err)
	if errors.Is(e, rpctypes.ErrUserEmpty) {
		return c.token != nil
	}
	return errors.Is(e, rpctypes.ErrInvalidAuthToken) || errors.Is(e, rpctypes.ErrAuthOldRevision)
}

func (c *Client) refreshToken(ctx context.Context) error {
	if c.token == nil {
		// No credentials (e.g. TLS common-name auth): just retry.
		return nil
	}
	return c.getToken(ctx)
}

func (c *Client) isSafeRetry(err error, policy retryPolicy) bool {
	if isContextError(err) {
		return false
	}
	// A learner refuses what it does not serve; another endpoint may.
	if errors.Is(err, rpctypes.ErrGRPCNotSupportedForLearner) && len(c.Endpoints()) > 1 {
		return true
	}
	switch policy {
	case repeatable:
		return isSafeRetryImmutableRPC(err)
	case nonRepeatable:
		return isSafeRetryMutableRPC(err)
	default:
		c.GetLogger().Warn("unrecognized retry policy", zap.String("retryPolicy", policy.String()))
		return false
	}
}

func isContextError(err error) bool {
	code := status.Code(err)
	return code == codes.DeadlineExceeded || code == codes.Canceled
}

func contextErrToGRPCErr(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	default:
		return status.Error(codes.Unknown, err.Error())
	}
}

// roundRobinQuorumBackoff waits only after each round over a quorum of
// endpoints: the next attempt goes to another endpoint anyway.
func (c *Client) roundRobinQuorumBackoff(wait time.Duration, jitter float64) backoffFunc {
	return func(attempt uint) time.Duration {
		n := uint(len(c.Endpoints()))
		quorum := n/2 + 1
		if attempt%quorum == 0 {
			return jitterUp(wait, jitter)
		}
		return 0
	}
}

// jitterUp adds up to ±jitter of d.
func jitterUp(d time.Duration, jitter float64) time.Duration {
	mult := jitter * (rand.Float64()*2 - 1)
	return time.Duration(float64(d) * (1 + mult))
}
