package apply

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/etcdserver/quota"
)

// AlarmStore is what the alarm handler changes (alarm.Store).
type AlarmStore interface {
	Activate(id uint64, a pb.AlarmType) *pb.AlarmMember
	Deactivate(id uint64, a pb.AlarmType) *pb.AlarmMember
	Get(a pb.AlarmType) []*pb.AlarmMember
}

// applyAlarm lists, raises or clears an alarm as etcd does: activating
// NONE does nothing, and the response lists the alarm changed (none when
// nothing changed on deactivate).
func (a *Applier) applyAlarm(_ context.Context, r *pb.InternalRaftRequest) *Result {
	ar := r.Alarm
	resp := &pb.AlarmResponse{}
	switch ar.Action {
	case pb.AlarmRequest_GET:
		resp.Alarms = a.alarms.Get(ar.Alarm)
	case pb.AlarmRequest_ACTIVATE:
		if ar.Alarm != pb.AlarmType_NONE {
			if m := a.alarms.Activate(ar.MemberID, ar.Alarm); m != nil {
				resp.Alarms = append(resp.Alarms, m)
			}
		}
	case pb.AlarmRequest_DEACTIVATE:
		if m := a.alarms.Deactivate(ar.MemberID, ar.Alarm); m != nil {
			resp.Alarms = append(resp.Alarms, m)
		}
	default:
		return &Result{}
	}
	return &Result{Resp: resp}
}

// NoSpace rejects the requests that grow the database (Put, a Txn with
// puts, LeaseGrant) with errs.ErrNoSpace while active reports a NOSPACE
// alarm; reads, deletes, compaction and alarm changes pass.
func NoSpace(active func() bool) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *pb.InternalRaftRequest) *Result {
			if active() {
				switch KindOf(r) {
				case KindPut, KindLeaseGrant:
					return &Result{Err: errs.ErrNoSpace}
				case KindTxn:
					if quota.Cost(r.Txn) > 0 {
						return &Result{Err: errs.ErrNoSpace}
					}
				}
			}
			return next(ctx, r)
		}
	}
}
