package apply

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/server/v3/etcdserver/alarm"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
)

type fakeLeases struct{}

func (fakeLeases) Grant(id, ttl int64) (int64, error)   { return ttl, nil }
func (fakeLeases) Revoke(int64) error                   { return nil }
func (fakeLeases) Checkpoint(id, remaining int64) error { return nil }

func newTestApplier(t *testing.T) *Applier {
	t.Helper()
	be, err := backend.Open(backend.Config{Path: filepath.Join(t.TempDir(), "db"), UnsafeNoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	kv, err := mvcc.NewStore(be, nil, mvcc.StoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close(); be.Close() })
	as, err := alarm.New(be)
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{KV: kv, Leases: fakeLeases{}, Alarms: as,
		Middlewares: []Middleware{NoSpace(func() bool { return as.Active(pb.AlarmType_NOSPACE) })}})
}

func alarmReq(act pb.AlarmRequest_AlarmAction, id uint64, at pb.AlarmType) *pb.InternalRaftRequest {
	return &pb.InternalRaftRequest{Alarm: &pb.AlarmRequest{Action: act, MemberID: id, Alarm: at}}
}

func TestAlarmAndNoSpace(t *testing.T) {
	a := newTestApplier(t)
	ctx := context.Background()
	put := &pb.InternalRaftRequest{Put: &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}}
	txnPut := &pb.InternalRaftRequest{Txn: &pb.TxnRequest{Success: []*pb.RequestOp{{Request: &pb.RequestOp_RequestPut{RequestPut: put.Put}}}}}
	txnRead := &pb.InternalRaftRequest{Txn: &pb.TxnRequest{Success: []*pb.RequestOp{{Request: &pb.RequestOp_RequestRange{RequestRange: &pb.RangeRequest{Key: []byte("k")}}}}}}
	del := &pb.InternalRaftRequest{DeleteRange: &pb.DeleteRangeRequest{Key: []byte("k")}}
	grant := &pb.InternalRaftRequest{LeaseGrant: &pb.LeaseGrantRequest{ID: 1, TTL: 10}}
	rng := &pb.InternalRaftRequest{Range: &pb.RangeRequest{Key: []byte("k")}}

	steps := []struct {
		name    string
		req     *pb.InternalRaftRequest
		err     error
		nAlarms int // alarms in an AlarmResponse (-1: not an alarm)
	}{
		{"put before alarm", put, nil, -1},
		{"get no alarms", alarmReq(pb.AlarmRequest_GET, 0, pb.AlarmType_NONE), nil, 0},
		{"activate NONE is a no-op", alarmReq(pb.AlarmRequest_ACTIVATE, 5, pb.AlarmType_NONE), nil, 0},
		{"activate NOSPACE", alarmReq(pb.AlarmRequest_ACTIVATE, 5, pb.AlarmType_NOSPACE), nil, 1},
		{"get lists it", alarmReq(pb.AlarmRequest_GET, 0, pb.AlarmType_NONE), nil, 1},
		{"get CORRUPT lists nothing", alarmReq(pb.AlarmRequest_GET, 0, pb.AlarmType_CORRUPT), nil, 0},
		{"put rejected", put, errs.ErrNoSpace, -1},
		{"txn with put rejected", txnPut, errs.ErrNoSpace, -1},
		{"lease grant rejected", grant, errs.ErrNoSpace, -1},
		{"txn read passes", txnRead, nil, -1},
		{"range passes", rng, nil, -1},
		{"delete passes", del, nil, -1},
		{"deactivate other member", alarmReq(pb.AlarmRequest_DEACTIVATE, 6, pb.AlarmType_NOSPACE), nil, 0},
		{"deactivate", alarmReq(pb.AlarmRequest_DEACTIVATE, 5, pb.AlarmType_NOSPACE), nil, 1},
		{"put after disarm", put, nil, -1},
		{"lease grant after disarm", grant, nil, -1},
	}
	for _, st := range steps {
		res := a.Apply(ctx, st.req)
		if !errors.Is(res.Err, st.err) {
			t.Fatalf("%s: err %v, want %v", st.name, res.Err, st.err)
		}
		if st.nAlarms >= 0 {
			resp, ok := res.Resp.(*pb.AlarmResponse)
			if !ok || len(resp.Alarms) != st.nAlarms {
				t.Fatalf("%s: resp %v, want %d alarms", st.name, res.Resp, st.nAlarms)
			}
		}
	}
}
