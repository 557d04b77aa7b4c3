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
)
