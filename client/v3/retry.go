package clientv3

import (
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

// retryPolicy says when a failed call may be sent again.
type retryPolicy uint8

const (
	// repeatable calls (reads, and writes that are idempotent on the
	// server) are retried on any Unavailable error.
	repeatable retryPolicy = iota
	// nonRepeatable calls (mutations) are retried only when the request
	// never left the client.
	nonRepeatable
)

func (rp retryPolicy) String() string {
	switch rp {
	case repeatable:
		return "repeatable"
	case nonRepeatable:
		return "nonRepeatable"
	default:
		return "UNKNOWN"
	}
}

// repeatableMethods are the calls etcd's client treats as safe to repeat;
// every other method is nonRepeatable.
var repeatableMethods = map[string]bool{
	pb.KV_Range_FullMethodName:               true,
	pb.Lease_LeaseGrant_FullMethodName:       true,
	pb.Lease_LeaseRevoke_FullMethodName:      true,
	pb.Lease_LeaseTimeToLive_FullMethodName:  true,
	pb.Lease_LeaseLeases_FullMethodName:      true,
	pb.Lease_LeaseKeepAlive_FullMethodName:   true,
	pb.Cluster_MemberList_FullMethodName:     true,
	pb.Maintenance_Alarm_FullMethodName:      true,
	pb.Maintenance_Status_FullMethodName:     true,
	pb.Maintenance_Hash_FullMethodName:       true,
	pb.Maintenance_HashKV_FullMethodName:     true,
	pb.Maintenance_Snapshot_FullMethodName:   true,
	pb.Maintenance_MoveLeader_FullMethodName: true,
	pb.Auth_UserList_FullMethodName:          true,
	pb.Auth_UserGet_FullMethodName:           true,
	pb.Auth_RoleGet_FullMethodName:           true,
	pb.Auth_RoleList_FullMethodName:          true,
}

func policyFor(method string) retryPolicy {
	if repeatableMethods[method] {
		return repeatable
	}
	return nonRepeatable
}

// isSafeRetryImmutableRPC: a repeatable call may be retried on
// Unavailable, unless the server itself answered with an etcd error of
// another code.
func isSafeRetryImmutableRPC(err error) bool {
	var etcdErr rpctypes.EtcdError
	if errors.As(rpctypes.Error(err), &etcdErr) && etcdErr.Code() != codes.Unavailable {
		return false
	}
	s, ok := status.FromError(err)
	return ok && s.Code() == codes.Unavailable
}

// isSafeRetryMutableRPC: a mutation may be retried only if it was never
// sent, which gRPC reports as Unavailable without an address or
// connection.
func isSafeRetryMutableRPC(err error) bool {
	if s, ok := status.FromError(err); ok && s.Code() != codes.Unavailable {
		return false
	}
	desc := rpctypes.ErrorDesc(err)
	return desc == "there is no address available" || desc == "there is no connection available"
}

// The Retry*Client functions return gRPC clients over the client's
// connection; the retry policy of each call is applied by the client's
// interceptors from the method name.

// RetryKVClient implements a KVClient.
func RetryKVClient(c *Client) pb.KVClient { return pb.NewKVClient(c.conn) }

// RetryLeaseClient implements a LeaseClient.
func RetryLeaseClient(c *Client) pb.LeaseClient { return pb.NewLeaseClient(c.conn) }

// RetryClusterClient implements a ClusterClient.
func RetryClusterClient(c *Client) pb.ClusterClient { return pb.NewClusterClient(c.conn) }

// RetryMaintenanceClient implements a Maintenance.
func RetryMaintenanceClient(_ *Client, conn *grpc.ClientConn) pb.MaintenanceClient {
	return pb.NewMaintenanceClient(conn)
}

// RetryAuthClient implements a AuthClient.
func RetryAuthClient(c *Client) pb.AuthClient { return pb.NewAuthClient(c.conn) }
