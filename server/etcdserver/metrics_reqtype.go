package etcdserver

import pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

// Request types, the "type" label of etcd_server_request_duration_seconds
// and the "op" label of etcd_server_apply_duration_seconds, with etcd's
// values.
const (
	reqUnknown = iota
	reqRange
	reqReadonlyTxn
	reqPut
	reqDeleteRange
	reqTxn
	reqCompaction
	reqLeaseGrant
	reqLeaseRevoke
	reqLeaseCheckpoint
	reqAlarm
	reqAuthenticate
	reqAuthEnable
	reqAuthDisable
	reqAuthStatus
	reqAuthUserAdd
	reqAuthUserDelete
	reqAuthUserChangePassword
	reqAuthUserGrantRole
	reqAuthUserGet
	reqAuthUserRevokeRole
	reqAuthRoleAdd
	reqAuthRoleGrantPermission
	reqAuthRoleGet
	reqAuthRoleRevokePermission
	reqAuthRoleDelete
	reqAuthUserList
	reqAuthRoleList
	reqClusterVersionSet
	reqClusterMemberAttrSet
	reqDowngradeInfoSet
	reqDowngradeVersionTest
	numReqTypes
)

var reqTypeNames = [numReqTypes]string{
	reqUnknown:                  "Unknown",
	reqRange:                    "Range",
	reqReadonlyTxn:              "ReadonlyTxn",
	reqPut:                      "Put",
	reqDeleteRange:              "DeleteRange",
	reqTxn:                      "Txn",
	reqCompaction:               "Compaction",
	reqLeaseGrant:               "LeaseGrant",
	reqLeaseRevoke:              "LeaseRevoke",
	reqLeaseCheckpoint:          "LeaseCheckpoint",
	reqAlarm:                    "Alarm",
	reqAuthenticate:             "Authenticate",
	reqAuthEnable:               "AuthEnable",
	reqAuthDisable:              "AuthDisable",
	reqAuthStatus:               "AuthStatus",
	reqAuthUserAdd:              "AuthUserAdd",
	reqAuthUserDelete:           "AuthUserDelete",
	reqAuthUserChangePassword:   "AuthUserChangePassword",
	reqAuthUserGrantRole:        "AuthUserGrantRole",
	reqAuthUserGet:              "AuthUserGet",
	reqAuthUserRevokeRole:       "AuthUserRevokeRole",
	reqAuthRoleAdd:              "AuthRoleAdd",
	reqAuthRoleGrantPermission:  "AuthRoleGrantPermission",
	reqAuthRoleGet:              "AuthRoleGet",
	reqAuthRoleRevokePermission: "AuthRoleRevokePermission",
	reqAuthRoleDelete:           "AuthRoleDelete",
	reqAuthUserList:             "AuthUserList",
	reqAuthRoleList:             "AuthRoleList",
	reqClusterVersionSet:        "ClusterVersionSet",
	reqClusterMemberAttrSet:     "ClusterMemberAttrSet",
	reqDowngradeInfoSet:         "DowngradeInfoSet",
	reqDowngradeVersionTest:     "DowngradeVersionTest",
}

// applyOpName is the "op" label of an applied request: etcd names an
// unknown one in lower case there.
func applyOpName(t int) string {
	if t == reqUnknown {
		return "unknown"
	}
	return reqTypeNames[t]
}

// reqType tells which request r carries, in etcd's order of precedence.
func reqType(r *pb.InternalRaftRequest) int {
	switch {
	case r.Range != nil:
		return reqRange
	case r.Put != nil:
		return reqPut
	case r.DeleteRange != nil:
		return reqDeleteRange
	case r.Txn != nil:
		return reqTxn
	case r.Compaction != nil:
		return reqCompaction
	case r.LeaseGrant != nil:
		return reqLeaseGrant
	case r.LeaseRevoke != nil:
		return reqLeaseRevoke
	case r.LeaseCheckpoint != nil:
		return reqLeaseCheckpoint
	case r.Alarm != nil:
		return reqAlarm
	case r.Authenticate != nil:
		return reqAuthenticate
	case r.AuthEnable != nil:
		return reqAuthEnable
	case r.AuthDisable != nil:
		return reqAuthDisable
	case r.AuthStatus != nil:
		return reqAuthStatus
	case r.AuthUserAdd != nil:
		return reqAuthUserAdd
	case r.AuthUserDelete != nil:
		return reqAuthUserDelete
	case r.AuthUserChangePassword != nil:
		return reqAuthUserChangePassword
	case r.AuthUserGrantRole != nil:
		return reqAuthUserGrantRole
	case r.AuthUserGet != nil:
		return reqAuthUserGet
	case r.AuthUserRevokeRole != nil:
		return reqAuthUserRevokeRole
	case r.AuthRoleAdd != nil:
		return reqAuthRoleAdd
	case r.AuthRoleGrantPermission != nil:
		return reqAuthRoleGrantPermission
	case r.AuthRoleGet != nil:
		return reqAuthRoleGet
	case r.AuthRoleRevokePermission != nil:
		return reqAuthRoleRevokePermission
	case r.AuthRoleDelete != nil:
		return reqAuthRoleDelete
	case r.AuthUserList != nil:
		return reqAuthUserList
	case r.AuthRoleList != nil:
		return reqAuthRoleList
	case r.ClusterVersionSet != nil:
		return reqClusterVersionSet
	case r.ClusterMemberAttrSet != nil:
		return reqClusterMemberAttrSet
	case r.DowngradeInfoSet != nil:
		return reqDowngradeInfoSet
	case r.DowngradeVersionTest != nil:
		return reqDowngradeVersionTest
	}
	return reqUnknown
}
