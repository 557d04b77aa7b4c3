package v3rpc

import (
	"context"
	"errors"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
	"github.com/etcdgo/etcd/server/v3/lease"
)

// errTable maps sentinel errors to etcd's gRPC errors.
var errTable = []struct {
	err  error
	grpc error
}{
	{mvcc.ErrCompacted, rpctypes.ErrGRPCCompacted},
	{mvcc.ErrFutureRev, rpctypes.ErrGRPCFutureRev},
	{errs.ErrKeyNotFound, rpctypes.ErrGRPCKeyNotFound},
	{errs.ErrLeaseNotFound, rpctypes.ErrGRPCLeaseNotFound},
	{lease.ErrLeaseNotFound, rpctypes.ErrGRPCLeaseNotFound},
	{lease.ErrLeaseExists, rpctypes.ErrGRPCLeaseExist},
	{lease.ErrLeaseTTLTooLarge, rpctypes.ErrGRPCLeaseTTLTooLarge},
	{errs.ErrRequestTooLarge, rpctypes.ErrGRPCRequestTooLarge},
	{errs.ErrNoSpace, rpctypes.ErrGRPCNoSpace},
	{errs.ErrStopped, rpctypes.ErrGRPCStopped},
	{errs.ErrTimeout, rpctypes.ErrGRPCTimeout},
	{errs.ErrNoLeader, rpctypes.ErrGRPCNoLeader},
	{errs.ErrNotCapable, rpctypes.ErrGRPCNotCapable},
	{membership.ErrIDRemoved, rpctypes.ErrGRPCMemberNotFound},
	{membership.ErrIDNotFound, rpctypes.ErrGRPCMemberNotFound},
	{membership.ErrIDExists, rpctypes.ErrGRPCMemberExist},
	{membership.ErrPeerURLexists, rpctypes.ErrGRPCPeerURLExist},
	{membership.ErrMemberNotLearner, rpctypes.ErrGRPCMemberNotLearner},
	{membership.ErrTooManyLearners, rpctypes.ErrGRPCTooManyLearners},
	// etcd maps this one to the client-side error (gRPC code Unknown).
	{errs.ErrNotEnoughStartedMembers, rpctypes.ErrMemberNotEnoughStarted},
	{errs.ErrLearnerNotReady, rpctypes.ErrGRPCLearnerNotReady},
	{errs.ErrNotLeader, rpctypes.ErrGRPCNotLeader},
	{errs.ErrBadLeaderTransferee, rpctypes.ErrGRPCBadLeaderTransferee},
	{errs.ErrUnhealthy, rpctypes.ErrGRPCUnhealthy},
	{errs.ErrCanceled, rpctypes.ErrGRPCCanceled},
	{errs.ErrNotSupportedForLearner, rpctypes.ErrGRPCNotSupportedForLearner},
	{errs.ErrUnknownMethod, status.Error(codes.Unimplemented, "etcdserver: unknown method")},
}

// togRPCError converts err for the wire.
func togRPCError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	for _, e := range errTable {
		if errors.Is(err, e.err) {
			return e.grpc
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, context.Canceled.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, context.DeadlineExceeded.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}
