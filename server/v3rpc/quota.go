package v3rpc

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"

	"github.com/etcdgo/etcd/server/v3/etcdserver/quota"
)

// quotaGuard refuses a write that would take the backend over its quota
// and raises this member's NOSPACE alarm, as etcd's quota servers do,
// before the request is validated or proposed.
type quotaGuard struct{ s Server }

func (g quotaGuard) check(ctx context.Context, r any) error {
	q := quota.Quota{Size: g.s.DBSize, Limit: g.s.QuotaBackendBytes()}
	if q.Available(r) {
		return nil
	}
	// etcd ignores the outcome of raising the alarm.
	_, _ = g.s.Alarm(ctx, &pb.AlarmRequest{MemberID: g.s.ID(), Action: pb.AlarmRequest_ACTIVATE, Alarm: pb.AlarmType_NOSPACE})
	return rpctypes.ErrGRPCNoSpace
}
