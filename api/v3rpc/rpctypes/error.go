package rpctypes

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func grpcErr(c codes.Code, msg string) error { return status.Error(c, msg) }

// Server-side errors. Codes and messages are etcd's, to the letter.
var (
	ErrGRPCEmptyKey                = grpcErr(codes.InvalidArgument, "etcdserver: key is not provided")
	ErrGRPCKeyNotFound             = grpcErr(codes.InvalidArgument, "etcdserver: key not found")
	ErrGRPCValueProvided           = grpcErr(codes.InvalidArgument, "etcdserver: value is provided")
	ErrGRPCLeaseProvided           = grpcErr(codes.InvalidArgument, "etcdserver: lease is provided")
	ErrGRPCTooManyOps              = grpcErr(codes.InvalidArgument, "etcdserver: too many operations in txn request")
	ErrGRPCDuplicateKey            = grpcErr(codes.InvalidArgument, "etcdserver: duplicate key given in txn request")
	ErrGRPCInvalidClientAPIVersion = grpcErr(codes.InvalidArgument, "etcdserver: invalid client api version")
	ErrGRPCInvalidSortOption       = grpcErr(codes.InvalidArgument, "etcdserver: invalid sort option")
	ErrGRPCCompacted               = grpcErr(codes.OutOfRange, "etcdserver: mvcc: required revision has been compacted")
	ErrGRPCFutureRev               = grpcErr(codes.OutOfRange, "etcdserver: mvcc: required revision is a future revision")
	ErrGRPCNoSpace                 = grpcErr(codes.ResourceExhausted, "etcdserver: mvcc: database space exceeded")

	ErrGRPCLeaseNotFound    = grpcErr(codes.NotFound, "etcdserver: requested lease not found")
	ErrGRPCLeaseExist       = grpcErr(codes.FailedPrecondition, "etcdserver: lease already exists")
	ErrGRPCLeaseTTLTooLarge = grpcErr(codes.OutOfRange, "etcdserver: too large lease TTL")

	ErrGRPCWatchCanceled = grpcErr(codes.Canceled, "etcdserver: watch canceled")

	ErrGRPCMemberExist            = grpcErr(codes.FailedPrecondition, "etcdserver: member ID already exist")
	ErrGRPCPeerURLExist           = grpcErr(codes.FailedPrecondition, "etcdserver: Peer URLs already exists")
	ErrGRPCMemberNotEnoughStarted = grpcErr(codes.FailedPrecondition, "etcdserver: re-configuration failed due to not enough started members")
	ErrGRPCMemberBadURLs          = grpcErr(codes.InvalidArgument, "etcdserver: given member URLs are invalid")
	ErrGRPCMemberNotFound         = grpcErr(codes.NotFound, "etcdserver: member not found")
	ErrGRPCMemberNotLearner       = grpcErr(codes.FailedPrecondition, "etcdserver: can only promote a learner member")
	ErrGRPCLearnerNotReady        = grpcErr(codes.FailedPrecondition, "etcdserver: can only promote a learner member which is in sync with leader")
	ErrGRPCTooManyLearners        = grpcErr(codes.FailedPrecondition, "etcdserver: too many learner members in cluster")
	ErrGRPCClusterIDMismatch      = grpcErr(codes.FailedPrecondition, "etcdserver: cluster ID mismatch")
	// Deprecated: use ErrGRPCClusterIDMismatch.
	ErrGRPCClusterIdMismatch = ErrGRPCClusterIDMismatch //nolint:revive // etcd's name

	ErrGRPCRequestTooLarge        = grpcErr(codes.InvalidArgument, "etcdserver: request is too large")
	ErrGRPCRequestTooManyRequests = grpcErr(codes.ResourceExhausted, "etcdserver: too many requests")

	ErrGRPCRootUserNotExist     = grpcErr(codes.FailedPrecondition, "etcdserver: root user does not exist")
	ErrGRPCRootRoleNotExist     = grpcErr(codes.FailedPrecondition, "etcdserver: root user does not have root role")
	ErrGRPCUserAlreadyExist     = grpcErr(codes.FailedPrecondition, "etcdserver: user name already exists")
	ErrGRPCUserEmpty            = grpcErr(codes.InvalidArgument, "etcdserver: user name is empty")
	ErrGRPCUserNotFound         = grpcErr(codes.FailedPrecondition, "etcdserver: user name not found")
	ErrGRPCRoleAlreadyExist     = grpcErr(codes.FailedPrecondition, "etcdserver: role name already exists")
	ErrGRPCRoleNotFound         = grpcErr(codes.FailedPrecondition, "etcdserver: role name not found")
	ErrGRPCRoleEmpty            = grpcErr(codes.InvalidArgument, "etcdserver: role name is empty")
	ErrGRPCAuthFailed           = grpcErr(codes.InvalidArgument, "etcdserver: authentication failed, invalid user ID or password")
	ErrGRPCPermissionNotGiven   = grpcErr(codes.InvalidArgument, "etcdserver: permission not given")
	ErrGRPCPermissionDenied     = grpcErr(codes.PermissionDenied, "etcdserver: permission denied")
	ErrGRPCRoleNotGranted       = grpcErr(codes.FailedPrecondition, "etcdserver: role is not granted to the user")
	ErrGRPCPermissionNotGranted = grpcErr(codes.FailedPrecondition, "etcdserver: permission is not granted to the role")
	ErrGRPCAuthNotEnabled       = grpcErr(codes.FailedPrecondition, "etcdserver: authentication is not enabled")
	ErrGRPCInvalidAuthToken     = grpcErr(codes.Unauthenticated, "etcdserver: invalid auth token")
	ErrGRPCInvalidAuthMgmt      = grpcErr(codes.InvalidArgument, "etcdserver: invalid auth management")
	ErrGRPCAuthOldRevision      = grpcErr(codes.InvalidArgument, "etcdserver: revision of auth store is old")

	ErrGRPCNoLeader                   = grpcErr(codes.Unavailable, "etcdserver: no leader")
	ErrGRPCNotLeader                  = grpcErr(codes.FailedPrecondition, "etcdserver: not leader")
	ErrGRPCLeaderChanged              = grpcErr(codes.Unavailable, "etcdserver: leader changed")
	ErrGRPCNotCapable                 = grpcErr(codes.FailedPrecondition, "etcdserver: not capable")
	ErrGRPCStopped                    = grpcErr(codes.Unavailable, "etcdserver: server stopped")
	ErrGRPCTimeout                    = grpcErr(codes.Unavailable, "etcdserver: request timed out")
	ErrGRPCTimeoutDueToLeaderFail     = grpcErr(codes.Unavailable, "etcdserver: request timed out, possibly due to previous leader failure")
	ErrGRPCTimeoutDueToConnectionLost = grpcErr(codes.Unavailable, "etcdserver: request timed out, possibly due to connection lost")
	ErrGRPCTimeoutWaitAppliedIndex    = grpcErr(codes.Unavailable, "etcdserver: request timed out, waiting for the applied index took too long")
	ErrGRPCUnhealthy                  = grpcErr(codes.Unavailable, "etcdserver: unhealthy cluster")
	ErrGRPCCorrupt                    = grpcErr(codes.DataLoss, "etcdserver: corrupt cluster")
	ErrGRPCNotSupportedForLearner     = grpcErr(codes.FailedPrecondition, "etcdserver: rpc not supported for learner")
	ErrGRPCBadLeaderTransferee        = grpcErr(codes.FailedPrecondition, "etcdserver: bad leader transferee")

	ErrGRPCWrongDowngradeVersionFormat   = grpcErr(codes.InvalidArgument, "etcdserver: wrong downgrade target version format")
	ErrGRPCInvalidDowngradeTargetVersion = grpcErr(codes.InvalidArgument, "etcdserver: invalid downgrade target version")
	ErrGRPCClusterVersionUnavailable     = grpcErr(codes.FailedPrecondition, "etcdserver: cluster version not found during downgrade")
	ErrGRPCDowngradeInProcess            = grpcErr(codes.FailedPrecondition, "etcdserver: cluster has a downgrade job in progress")
	ErrGRPCNoInflightDowngrade           = grpcErr(codes.FailedPrecondition, "etcdserver: no inflight downgrade job")

	ErrGRPCCanceled         = grpcErr(codes.Canceled, "etcdserver: request canceled")
	ErrGRPCDeadlineExceeded = grpcErr(codes.DeadlineExceeded, "etcdserver: context deadline exceeded")
)

// known lists the server errors a client turns back into an EtcdError.
// etcd leaves a few out (invalid client API version, watch canceled,
// permission not given, waiting for the applied index, canceled, deadline
// exceeded): for those Error returns its argument unchanged, and so does
// ours, because callers compare against what etcd's client returns.
var known = indexByDesc(
	ErrGRPCEmptyKey, ErrGRPCKeyNotFound, ErrGRPCValueProvided, ErrGRPCLeaseProvided,
	ErrGRPCTooManyOps, ErrGRPCDuplicateKey, ErrGRPCInvalidSortOption,
	ErrGRPCCompacted, ErrGRPCFutureRev, ErrGRPCNoSpace,
	ErrGRPCLeaseNotFound, ErrGRPCLeaseExist, ErrGRPCLeaseTTLTooLarge,
	ErrGRPCMemberExist, ErrGRPCPeerURLExist, ErrGRPCMemberNotEnoughStarted,
	ErrGRPCMemberBadURLs, ErrGRPCMemberNotFound, ErrGRPCMemberNotLearner,
	ErrGRPCLearnerNotReady, ErrGRPCTooManyLearners, ErrGRPCClusterIDMismatch,
	ErrGRPCRequestTooLarge, ErrGRPCRequestTooManyRequests,
	ErrGRPCRootUserNotExist, ErrGRPCRootRoleNotExist, ErrGRPCUserAlreadyExist,
	ErrGRPCUserEmpty, ErrGRPCUserNotFound, ErrGRPCRoleAlreadyExist,
	ErrGRPCRoleNotFound, ErrGRPCRoleEmpty, ErrGRPCAuthFailed,
	ErrGRPCPermissionDenied, ErrGRPCRoleNotGranted, ErrGRPCPermissionNotGranted,
	ErrGRPCAuthNotEnabled, ErrGRPCInvalidAuthToken, ErrGRPCInvalidAuthMgmt,
	ErrGRPCAuthOldRevision,
	ErrGRPCNoLeader, ErrGRPCNotLeader, ErrGRPCLeaderChanged, ErrGRPCNotCapable,
	ErrGRPCStopped, ErrGRPCTimeout, ErrGRPCTimeoutDueToLeaderFail,
	ErrGRPCTimeoutDueToConnectionLost, ErrGRPCUnhealthy, ErrGRPCCorrupt,
	ErrGRPCNotSupportedForLearner, ErrGRPCBadLeaderTransferee,
	ErrGRPCClusterVersionUnavailable, ErrGRPCWrongDowngradeVersionFormat,
	ErrGRPCInvalidDowngradeTargetVersion, ErrGRPCDowngradeInProcess,
	ErrGRPCNoInflightDowngrade,
)

func indexByDesc(errs ...error) map[string]error {
	m := make(map[string]error, len(errs))
	for _, e := range errs {
		m[ErrorDesc(e)] = e
	}
	return m
}
