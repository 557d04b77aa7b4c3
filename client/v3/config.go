package clientv3

import (
	"context"
	"crypto/tls"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// Config is what New needs to build a client. Field names, JSON tags and
// meanings are etcd's.
type Config struct {
	// Endpoints is a list of URLs (host:port, http://, https://, unix:,
	// unixs:).
	Endpoints []string `json:"endpoints"`

	// AutoSyncInterval is the interval to update endpoints with the
	// cluster's latest members. 0 disables auto-sync.
	AutoSyncInterval time.Duration `json:"auto-sync-interval"`

	// DialTimeout is the timeout for failing to establish a connection
	// (the initial authentication and version check).
	DialTimeout time.Duration `json:"dial-timeout"`

	// DialKeepAliveTime is the time after which the client pings the server
	// to see if the transport is alive.
	DialKeepAliveTime time.Duration `json:"dial-keep-alive-time"`

	// DialKeepAliveTimeout is the time the client waits for a keepalive
	// ping's response before closing the connection.
	DialKeepAliveTimeout time.Duration `json:"dial-keep-alive-timeout"`

	// MaxCallSendMsgSize is the client-side request send limit in bytes
	// (default 2 MiB). It must not exceed MaxCallRecvMsgSize.
	MaxCallSendMsgSize int

	// MaxCallRecvMsgSize is the client-side response receive limit in
	// bytes (default math.MaxInt32).
	MaxCallRecvMsgSize int

	// TLS holds the client secure credentials, if any.
	TLS *tls.Config

	// Username is a user name for authentication.
	Username string `json:"username"`

	// Password is a password for authentication.
	Password string `json:"password"`

	// Token is a JWT used for authentication; exclusive with
	// Username/Password.
	Token string `json:"token"`

	// RejectOldCluster, when set, refuses to create a client against an
	// outdated cluster.
	RejectOldCluster bool `json:"reject-old-cluster"`

	// DialOptions is a list of extra gRPC dial options.
	DialOptions []grpc.DialOption

	// Context is the default client context; it can be used to cancel
	// gRPC dial out and other operations that do not have an explicit
	// context.
	Context context.Context

	// Logger sets the client logger. Nil means no logging (a no-op logger)
	// unless LogConfig is set.
	Logger *zap.Logger

	// LogConfig configures the client logger when Logger is nil.
	LogConfig *zap.Config

	// PermitWithoutStream, when set, lets the client send keepalive pings
	// to the server without any active streams (RPCs).
	PermitWithoutStream bool `json:"permit-without-stream"`

	// MaxUnaryRetries is the maximum number of retries for unary RPCs
	// (default 100).
	MaxUnaryRetries uint `json:"max-unary-retries"`

	// BackoffWaitBetween is the wait time before retrying an RPC
	// (default 25ms).
	BackoffWaitBetween time.Duration `json:"backoff-wait-between"`

	// BackoffJitterFraction is the jitter fraction to randomize backoff
	// wait time (default 0.10).
	BackoffJitterFraction float64 `json:"backoff-jitter-fraction"`
}
