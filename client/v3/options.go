package clientv3

import (
	"math"
	"time"

	"google.golang.org/grpc"
)

var (
	// Calls wait for a ready connection instead of failing fast while the
	// balancer looks for a live endpoint.
	defaultWaitForReady = grpc.WaitForReady(true)

	// 2 MiB, etcd's default request limit (plus overhead on the server).
	defaultMaxCallSendMsgSize = grpc.MaxCallSendMsgSize(2 * 1024 * 1024)

	defaultMaxCallRecvMsgSize = grpc.MaxCallRecvMsgSize(math.MaxInt32)
)

const (
	defaultUnaryMaxRetries       uint = 100
	defaultBackoffWaitBetween         = 25 * time.Millisecond
	defaultBackoffJitterFraction      = 0.10
)

func defaultCallOpts() []grpc.CallOption {
	return []grpc.CallOption{defaultWaitForReady, defaultMaxCallSendMsgSize, defaultMaxCallRecvMsgSize}
}

// MaxLeaseTTL is the maximum lease TTL value.
const MaxLeaseTTL = 9000000000
