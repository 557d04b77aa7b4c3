package api

import (
	"testing"

	etcdrpc "go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/status"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

// TestRPCTypesMatchEtcd pins every server error and every client error to
// etcd's: same gRPC code, same message, and the same client-side mapping.
func TestRPCTypesMatchEtcd(t *testing.T) {
	pairs := map[string][2]error{
		"ErrGRPCEmptyKey":                      {rpctypes.ErrGRPCEmptyKey, etcdrpc.ErrGRPCEmptyKey},
		"ErrGRPCKeyNotFound":                   {rpctypes.ErrGRPCKeyNotFound, etcdrpc.ErrGRPCKeyNotFound},
		"ErrGRPCValueProvided":                 {rpctypes.ErrGRPCValueProvided, etcdrpc.ErrGRPCValueProvided},
		"ErrGRPCLeaseProvided":                 {rpctypes.ErrGRPCLeaseProvided, etcdrpc.ErrGRPCLeaseProvided},
		"ErrGRPCTooManyOps":                    {rpctypes.ErrGRPCTooManyOps, etcdrpc.ErrGRPCTooManyOps},
		"ErrGRPCDuplicateKey":                  {rpctypes.ErrGRPCDuplicateKey, etcdrpc.ErrGRPCDuplicateKey},
		"ErrGRPCInvalidClientAPIVersion":       {rpctypes.ErrGRPCInvalidClientAPIVersion, etcdrpc.ErrGRPCInvalidClientAPIVersion},
		"ErrGRPCInvalidSortOption":             {rpctypes.ErrGRPCInvalidSortOption, etcdrpc.ErrGRPCInvalidSortOption},
		"ErrGRPCCompacted":                     {rpctypes.ErrGRPCCompacted, etcdrpc.ErrGRPCCompacted},
		"ErrGRPCFutureRev":                     {rpctypes.ErrGRPCFutureRev, etcdrpc.ErrGRPCFutureRev},
		"ErrGRPCNoSpace":                       {rpctypes.ErrGRPCNoSpace, etcdrpc.ErrGRPCNoSpace},
		"ErrGRPCLeaseNotFound":                 {rpctypes.ErrGRPCLeaseNotFound, etcdrpc.ErrGRPCLeaseNotFound},
		"ErrGRPCLeaseExist":                    {rpctypes.ErrGRPCLeaseExist, etcdrpc.ErrGRPCLeaseExist},
		"ErrGRPCLeaseTTLTooLarge":              {rpctypes.ErrGRPCLeaseTTLTooLarge, etcdrpc.ErrGRPCLeaseTTLTooLarge},
		"ErrGRPCWatchCanceled":                 {rpctypes.ErrGRPCWatchCanceled, etcdrpc.ErrGRPCWatchCanceled},
		"ErrGRPCMemberExist":                   {rpctypes.ErrGRPCMemberExist, etcdrpc.ErrGRPCMemberExist},
		"ErrGRPCPeerURLExist":                  {rpctypes.ErrGRPCPeerURLExist, etcdrpc.ErrGRPCPeerURLExist},
		"ErrGRPCMemberNotEnoughStarted":        {rpctypes.ErrGRPCMemberNotEnoughStarted, etcdrpc.ErrGRPCMemberNotEnoughStarted},
		"ErrGRPCMemberBadURLs":                 {rpctypes.ErrGRPCMemberBadURLs, etcdrpc.ErrGRPCMemberBadURLs},
		"ErrGRPCMemberNotFound":                {rpctypes.ErrGRPCMemberNotFound, etcdrpc.ErrGRPCMemberNotFound},
		"ErrGRPCMemberNotLearner":              {rpctypes.ErrGRPCMemberNotLearner, etcdrpc.ErrGRPCMemberNotLearner},
		"ErrGRPCLearnerNotReady":               {rpctypes.ErrGRPCLearnerNotReady, etcdrpc.ErrGRPCLearnerNotReady},
		"ErrGRPCTooManyLearners":               {rpctypes.ErrGRPCTooManyLearners, etcdrpc.ErrGRPCTooManyLearners},
		"ErrGRPCClusterIDMismatch":             {rpctypes.ErrGRPCClusterIDMismatch, etcdrpc.ErrGRPCClusterIDMismatch},
		"ErrGRPCRequestTooLarge":               {rpctypes.ErrGRPCRequestTooLarge, etcdrpc.ErrGRPCRequestTooLarge},
		"ErrGRPCRequestTooManyRequests":        {rpctypes.ErrGRPCRequestTooManyRequests, etcdrpc.ErrGRPCRequestTooManyRequests},
		"ErrGRPCRootUserNotExist":              {rpctypes.ErrGRPCRootUserNotExist, etcdrpc.ErrGRPCRootUserNotExist},
		"ErrGRPCRootRoleNotExist":              {rpctypes.ErrGRPCRootRoleNotExist, etcdrpc.ErrGRPCRootRoleNotExist},
		"ErrGRPCUserAlreadyExist":              {rpctypes.ErrGRPCUserAlreadyExist, etcdrpc.ErrGRPCUserAlreadyExist},
		"ErrGRPCUserEmpty":                     {rpctypes.ErrGRPCUserEmpty, etcdrpc.ErrGRPCUserEmpty},
		"ErrGRPCUserNotFound":                  {rpctypes.ErrGRPCUserNotFound, etcdrpc.ErrGRPCUserNotFound},
		"ErrGRPCRoleAlreadyExist":              {rpctypes.ErrGRPCRoleAlreadyExist, etcdrpc.ErrGRPCRoleAlreadyExist},
		"ErrGRPCRoleNotFound":                  {rpctypes.ErrGRPCRoleNotFound, etcdrpc.ErrGRPCRoleNotFound},
		"ErrGRPCRoleEmpty":                     {rpctypes.ErrGRPCRoleEmpty, etcdrpc.ErrGRPCRoleEmpty},
		"ErrGRPCAuthFailed":                    {rpctypes.ErrGRPCAuthFailed, etcdrpc.ErrGRPCAuthFailed},
		"ErrGRPCPermissionNotGiven":            {rpctypes.ErrGRPCPermissionNotGiven, etcdrpc.ErrGRPCPermissionNotGiven},
		"ErrGRPCPermissionDenied":              {rpctypes.ErrGRPCPermissionDenied, etcdrpc.ErrGRPCPermissionDenied},
		"ErrGRPCRoleNotGranted":                {rpctypes.ErrGRPCRoleNotGranted, etcdrpc.ErrGRPCRoleNotGranted},
		"ErrGRPCPermissionNotGranted":          {rpctypes.ErrGRPCPermissionNotGranted, etcdrpc.ErrGRPCPermissionNotGranted},
		"ErrGRPCAuthNotEnabled":                {rpctypes.ErrGRPCAuthNotEnabled, etcdrpc.ErrGRPCAuthNotEnabled},
		"ErrGRPCInvalidAuthToken":              {rpctypes.ErrGRPCInvalidAuthToken, etcdrpc.ErrGRPCInvalidAuthToken},
		"ErrGRPCInvalidAuthMgmt":               {rpctypes.ErrGRPCInvalidAuthMgmt, etcdrpc.ErrGRPCInvalidAuthMgmt},
		"ErrGRPCAuthOldRevision":               {rpctypes.ErrGRPCAuthOldRevision, etcdrpc.ErrGRPCAuthOldRevision},
		"ErrGRPCNoLeader":                      {rpctypes.ErrGRPCNoLeader, etcdrpc.ErrGRPCNoLeader},
		"ErrGRPCNotLeader":                     {rpctypes.ErrGRPCNotLeader, etcdrpc.ErrGRPCNotLeader},
		"ErrGRPCLeaderChanged":                 {rpctypes.ErrGRPCLeaderChanged, etcdrpc.ErrGRPCLeaderChanged},
		"ErrGRPCNotCapable":                    {rpctypes.ErrGRPCNotCapable, etcdrpc.ErrGRPCNotCapable},
		"ErrGRPCStopped":                       {rpctypes.ErrGRPCStopped, etcdrpc.ErrGRPCStopped},
		"ErrGRPCTimeout":                       {rpctypes.ErrGRPCTimeout, etcdrpc.ErrGRPCTimeout},
		"ErrGRPCTimeoutDueToLeaderFail":        {rpctypes.ErrGRPCTimeoutDueToLeaderFail, etcdrpc.ErrGRPCTimeoutDueToLeaderFail},
		"ErrGRPCTimeoutDueToConnectionLost":    {rpctypes.ErrGRPCTimeoutDueToConnectionLost, etcdrpc.ErrGRPCTimeoutDueToConnectionLost},
		"ErrGRPCTimeoutWaitAppliedIndex":       {rpctypes.ErrGRPCTimeoutWaitAppliedIndex, etcdrpc.ErrGRPCTimeoutWaitAppliedIndex},
		"ErrGRPCUnhealthy":                     {rpctypes.ErrGRPCUnhealthy, etcdrpc.ErrGRPCUnhealthy},
		"ErrGRPCCorrupt":                       {rpctypes.ErrGRPCCorrupt, etcdrpc.ErrGRPCCorrupt},
		"ErrGRPCNotSupportedForLearner":        {rpctypes.ErrGRPCNotSupportedForLearner, etcdrpc.ErrGRPCNotSupportedForLearner},
		"ErrGRPCBadLeaderTransferee":           {rpctypes.ErrGRPCBadLeaderTransferee, etcdrpc.ErrGRPCBadLeaderTransferee},
		"ErrGRPCWrongDowngradeVersionFormat":   {rpctypes.ErrGRPCWrongDowngradeVersionFormat, etcdrpc.ErrGRPCWrongDowngradeVersionFormat},
		"ErrGRPCInvalidDowngradeTargetVersion": {rpctypes.ErrGRPCInvalidDowngradeTargetVersion, etcdrpc.ErrGRPCInvalidDowngradeTargetVersion},
		"ErrGRPCClusterVersionUnavailable":     {rpctypes.ErrGRPCClusterVersionUnavailable, etcdrpc.ErrGRPCClusterVersionUnavailable},
		"ErrGRPCDowngradeInProcess":            {rpctypes.ErrGRPCDowngradeInProcess, etcdrpc.ErrGRPCDowngradeInProcess},
		"ErrGRPCNoInflightDowngrade":           {rpctypes.ErrGRPCNoInflightDowngrade, etcdrpc.ErrGRPCNoInflightDowngrade},
		"ErrGRPCCanceled":                      {rpctypes.ErrGRPCCanceled, etcdrpc.ErrGRPCCanceled},
		"ErrGRPCDeadlineExceeded":              {rpctypes.ErrGRPCDeadlineExceeded, etcdrpc.ErrGRPCDeadlineExceeded},
	}
	for name, p := range pairs {
		ours, theirs := status.Convert(p[0]), status.Convert(p[1])
		if ours.Code() != theirs.Code() || ours.Message() != theirs.Message() {
			t.Errorf("%s: ours (%v, %q), etcd's (%v, %q)", name, ours.Code(), ours.Message(), theirs.Code(), theirs.Message())
		}
		// The client-side mapping of what arrives on the wire.
		wireOurs, wireTheirs := status.Error(ours.Code(), ours.Message()), status.Error(theirs.Code(), theirs.Message())
		gotOurs, gotTheirs := rpctypes.Error(wireOurs), etcdrpc.Error(wireTheirs)
		if gotOurs.Error() != gotTheirs.Error() || status.Code(gotOurs) != status.Code(gotTheirs) {
			t.Errorf("%s: client mapping ours %v (%v), etcd's %v (%v)", name, gotOurs, status.Code(gotOurs), gotTheirs, status.Code(gotTheirs))
		}
		_, oursMapped := gotOurs.(rpctypes.EtcdError)
		_, theirsMapped := gotTheirs.(etcdrpc.EtcdError)
		if oursMapped != theirsMapped {
			t.Errorf("%s: mapped to EtcdError here %v, by etcd %v", name, oursMapped, theirsMapped)
		}
	}

	clientPairs := map[string][2]error{
		"ErrEmptyKey": {rpctypes.ErrEmptyKey, etcdrpc.ErrEmptyKey}, "ErrKeyNotFound": {rpctypes.ErrKeyNotFound, etcdrpc.ErrKeyNotFound},
		"ErrValueProvided": {rpctypes.ErrValueProvided, etcdrpc.ErrValueProvided}, "ErrLeaseProvided": {rpctypes.ErrLeaseProvided, etcdrpc.ErrLeaseProvided},
		"ErrTooManyOps": {rpctypes.ErrTooManyOps, etcdrpc.ErrTooManyOps}, "ErrDuplicateKey": {rpctypes.ErrDuplicateKey, etcdrpc.ErrDuplicateKey},
		"ErrInvalidSortOption": {rpctypes.ErrInvalidSortOption, etcdrpc.ErrInvalidSortOption}, "ErrCompacted": {rpctypes.ErrCompacted, etcdrpc.ErrCompacted},
		"ErrFutureRev": {rpctypes.ErrFutureRev, etcdrpc.ErrFutureRev}, "ErrNoSpace": {rpctypes.ErrNoSpace, etcdrpc.ErrNoSpace},
		"ErrLeaseNotFound": {rpctypes.ErrLeaseNotFound, etcdrpc.ErrLeaseNotFound}, "ErrLeaseExist": {rpctypes.ErrLeaseExist, etcdrpc.ErrLeaseExist},
		"ErrLeaseTTLTooLarge": {rpctypes.ErrLeaseTTLTooLarge, etcdrpc.ErrLeaseTTLTooLarge}, "ErrMemberExist": {rpctypes.ErrMemberExist, etcdrpc.ErrMemberExist},
		"ErrPeerURLExist": {rpctypes.ErrPeerURLExist, etcdrpc.ErrPeerURLExist}, "ErrMemberNotEnoughStarted": {rpctypes.ErrMemberNotEnoughStarted, etcdrpc.ErrMemberNotEnoughStarted},
		"ErrMemberBadURLs": {rpctypes.ErrMemberBadURLs, etcdrpc.ErrMemberBadURLs}, "ErrMemberNotFound": {rpctypes.ErrMemberNotFound, etcdrpc.ErrMemberNotFound},
		"ErrMemberNotLearner": {rpctypes.ErrMemberNotLearner, etcdrpc.ErrMemberNotLearner}, "ErrMemberLearnerNotReady": {rpctypes.ErrMemberLearnerNotReady, etcdrpc.ErrMemberLearnerNotReady},
		"ErrTooManyLearners": {rpctypes.ErrTooManyLearners, etcdrpc.ErrTooManyLearners}, "ErrRequestTooLarge": {rpctypes.ErrRequestTooLarge, etcdrpc.ErrRequestTooLarge},
		"ErrTooManyRequests": {rpctypes.ErrTooManyRequests, etcdrpc.ErrTooManyRequests}, "ErrRootUserNotExist": {rpctypes.ErrRootUserNotExist, etcdrpc.ErrRootUserNotExist},
		"ErrRootRoleNotExist": {rpctypes.ErrRootRoleNotExist, etcdrpc.ErrRootRoleNotExist}, "ErrUserAlreadyExist": {rpctypes.ErrUserAlreadyExist, etcdrpc.ErrUserAlreadyExist},
		"ErrUserEmpty": {rpctypes.ErrUserEmpty, etcdrpc.ErrUserEmpty}, "ErrUserNotFound": {rpctypes.ErrUserNotFound, etcdrpc.ErrUserNotFound},
		"ErrRoleAlreadyExist": {rpctypes.ErrRoleAlreadyExist, etcdrpc.ErrRoleAlreadyExist}, "ErrRoleNotFound": {rpctypes.ErrRoleNotFound, etcdrpc.ErrRoleNotFound},
		"ErrRoleEmpty": {rpctypes.ErrRoleEmpty, etcdrpc.ErrRoleEmpty}, "ErrAuthFailed": {rpctypes.ErrAuthFailed, etcdrpc.ErrAuthFailed},
		"ErrPermissionDenied": {rpctypes.ErrPermissionDenied, etcdrpc.ErrPermissionDenied}, "ErrRoleNotGranted": {rpctypes.ErrRoleNotGranted, etcdrpc.ErrRoleNotGranted},
		"ErrPermissionNotGranted": {rpctypes.ErrPermissionNotGranted, etcdrpc.ErrPermissionNotGranted}, "ErrAuthNotEnabled": {rpctypes.ErrAuthNotEnabled, etcdrpc.ErrAuthNotEnabled},
		"ErrInvalidAuthToken": {rpctypes.ErrInvalidAuthToken, etcdrpc.ErrInvalidAuthToken}, "ErrAuthOldRevision": {rpctypes.ErrAuthOldRevision, etcdrpc.ErrAuthOldRevision},
		"ErrInvalidAuthMgmt": {rpctypes.ErrInvalidAuthMgmt, etcdrpc.ErrInvalidAuthMgmt}, "ErrClusterIDMismatch": {rpctypes.ErrClusterIDMismatch, etcdrpc.ErrClusterIDMismatch},
		"ErrNoLeader": {rpctypes.ErrNoLeader, etcdrpc.ErrNoLeader}, "ErrNotLeader": {rpctypes.ErrNotLeader, etcdrpc.ErrNotLeader},
		"ErrLeaderChanged": {rpctypes.ErrLeaderChanged, etcdrpc.ErrLeaderChanged}, "ErrNotCapable": {rpctypes.ErrNotCapable, etcdrpc.ErrNotCapable},
		"ErrStopped": {rpctypes.ErrStopped, etcdrpc.ErrStopped}, "ErrTimeout": {rpctypes.ErrTimeout, etcdrpc.ErrTimeout},
		"ErrTimeoutDueToLeaderFail":     {rpctypes.ErrTimeoutDueToLeaderFail, etcdrpc.ErrTimeoutDueToLeaderFail},
		"ErrTimeoutDueToConnectionLost": {rpctypes.ErrTimeoutDueToConnectionLost, etcdrpc.ErrTimeoutDueToConnectionLost},
		"ErrTimeoutWaitAppliedIndex":    {rpctypes.ErrTimeoutWaitAppliedIndex, etcdrpc.ErrTimeoutWaitAppliedIndex},
		"ErrUnhealthy":                  {rpctypes.ErrUnhealthy, etcdrpc.ErrUnhealthy}, "ErrCorrupt": {rpctypes.ErrCorrupt, etcdrpc.ErrCorrupt},
		"ErrBadLeaderTransferee":           {rpctypes.ErrBadLeaderTransferee, etcdrpc.ErrBadLeaderTransferee},
		"ErrClusterVersionUnavailable":     {rpctypes.ErrClusterVersionUnavailable, etcdrpc.ErrClusterVersionUnavailable},
		"ErrWrongDowngradeVersionFormat":   {rpctypes.ErrWrongDowngradeVersionFormat, etcdrpc.ErrWrongDowngradeVersionFormat},
		"ErrInvalidDowngradeTargetVersion": {rpctypes.ErrInvalidDowngradeTargetVersion, etcdrpc.ErrInvalidDowngradeTargetVersion},
		"ErrDowngradeInProcess":            {rpctypes.ErrDowngradeInProcess, etcdrpc.ErrDowngradeInProcess},
		"ErrNoInflightDowngrade":           {rpctypes.ErrNoInflightDowngrade, etcdrpc.ErrNoInflightDowngrade},
	}
	for name, p := range clientPairs {
		if p[0].Error() != p[1].Error() || status.Code(p[0]) != status.Code(p[1]) {
			t.Errorf("%s: ours %q (%v), etcd's %q (%v)", name, p[0], status.Code(p[0]), p[1], status.Code(p[1]))
		}
	}

	md := [][2]string{
		{rpctypes.MetadataRequireLeaderKey, etcdrpc.MetadataRequireLeaderKey},
		{rpctypes.MetadataHasLeader, etcdrpc.MetadataHasLeader},
		{rpctypes.MetadataClientAPIVersionKey, etcdrpc.MetadataClientAPIVersionKey},
		{rpctypes.TokenFieldNameGRPC, etcdrpc.TokenFieldNameGRPC},
		{rpctypes.TokenFieldNameSwagger, etcdrpc.TokenFieldNameSwagger},
	}
	for _, p := range md {
		if p[0] != p[1] {
			t.Errorf("metadata key %q, etcd's %q", p[0], p[1])
		}
	}
}
