package errs

import "errors"

// Sentinel errors of the server, with etcd's messages.
var (
	ErrKeyNotFound     = errors.New("etcdserver: key not found")
	ErrLeaseNotFound   = errors.New("etcdserver: requested lease not found")
	ErrRequestTooLarge = errors.New("etcdserver: request is too large")
	ErrStopped         = errors.New("etcdserver: server stopped")
	ErrTimeout         = errors.New("etcdserver: request timed out")
	ErrNoLeader        = errors.New("etcdserver: no leader")
	ErrNoSpace         = errors.New("etcdserver: mvcc: database space exceeded")
	ErrUnknownMethod   = errors.New("etcdserver: unknown method")
	ErrNotCapable      = errors.New("etcdserver: not capable")

	// Cluster and membership errors.
	ErrNotLeader               = errors.New("etcdserver: not leader")
	ErrBadLeaderTransferee     = errors.New("etcdserver: bad leader transferee")
	ErrTimeoutLeaderTransfer   = errors.New("etcdserver: request timed out, leader transfer took too long")
	ErrNotEnoughStartedMembers = errors.New("etcdserver: re-configuration failed due to not enough started members")
	ErrLearnerNotReady         = errors.New("etcdserver: can only promote a learner member which is in sync with leader")
	ErrUnhealthy               = errors.New("etcdserver: unhealthy cluster")
	ErrCanceled                = errors.New("etcdserver: request cancelled")
	ErrNotSupportedForLearner  = errors.New("etcdserver: rpc not supported for learner")
)
