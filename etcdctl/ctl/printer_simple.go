package ctl

import (
	"fmt"
	"io"
	"strings"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// simplePrinter is the default, line-oriented format.
type simplePrinter struct {
	w, errw   io.Writer
	isHex     bool
	valueOnly bool
}

func (s *simplePrinter) Del(r *clientv3.DeleteResponse) error {
	fmt.Fprintln(s.w, r.Deleted)
	for _, kv := range r.PrevKvs {
		printKV(s.w, s.isHex, s.valueOnly, kv)
	}
	return nil
}

func (s *simplePrinter) Get(r *clientv3.GetResponse) error {
	for _, kv := range r.Kvs {
		printKV(s.w, s.isHex, s.valueOnly, kv)
	}
	return nil
}

func (s *simplePrinter) Put(r *clientv3.PutResponse) error {
	fmt.Fprintln(s.w, "OK")
	if r.PrevKv != nil {
		printKV(s.w, s.isHex, s.valueOnly, r.PrevKv)
	}
	return nil
}

func (s *simplePrinter) Txn(r *clientv3.TxnResponse) error {
	if r.Succeeded {
		fmt.Fprintln(s.w, "SUCCESS")
	} else {
		fmt.Fprintln(s.w, "FAILURE")
	}
	for _, op := range r.Responses {
		fmt.Fprintln(s.w)
		switch v := op.Response.(type) {
		case *pb.ResponseOp_ResponseDeleteRange:
			s.Del((*clientv3.DeleteResponse)(v.ResponseDeleteRange))
		case *pb.ResponseOp_ResponsePut:
			s.Put((*clientv3.PutResponse)(v.ResponsePut))
		case *pb.ResponseOp_ResponseRange:
			s.Get((*clientv3.GetResponse)(v.ResponseRange))
		default:
			fmt.Fprintf(s.w, "unexpected response %+v\n", op)
		}
	}
	return nil
}

func (s *simplePrinter) Watch(r *clientv3.WatchResponse) error {
	for _, ev := range r.Events {
		fmt.Fprintln(s.w, ev.Type)
		if ev.PrevKv != nil {
			printKV(s.w, s.isHex, s.valueOnly, ev.PrevKv)
		}
		printKV(s.w, s.isHex, s.valueOnly, ev.Kv)
	}
	return nil
}

func (s *simplePrinter) Grant(r *clientv3.LeaseGrantResponse) error {
	fmt.Fprintf(s.w, "lease %016x granted with TTL(%ds)\n", r.ID, r.TTL)
	return nil
}

func (s *simplePrinter) Revoke(id clientv3.LeaseID, _ *clientv3.LeaseRevokeResponse) error {
	fmt.Fprintf(s.w, "lease %016x revoked\n", id)
	return nil
}

func (s *simplePrinter) KeepAlive(r *clientv3.LeaseKeepAliveResponse) error {
	fmt.Fprintf(s.w, "lease %016x keepalived with TTL(%d)\n", r.ID, r.TTL)
	return nil
}

func (s *simplePrinter) TimeToLive(r *clientv3.LeaseTimeToLiveResponse, keys bool) error {
	if r.GrantedTTL == 0 && r.TTL == -1 {
		fmt.Fprintf(s.w, "lease %016x already expired\n", r.ID)
		return nil
	}
	line := fmt.Sprintf("lease %016x granted with TTL(%ds), remaining(%ds)", r.ID, r.GrantedTTL, r.TTL)
	if keys {
		ks := make([]string, len(r.Keys))
		for i, k := range r.Keys {
			ks[i] = string(k)
		}
		line += fmt.Sprintf(", attached keys(%v)", ks)
	}
	fmt.Fprintln(s.w, line)
	return nil
}

func (s *simplePrinter) Leases(r *clientv3.LeaseLeasesResponse) error {
	fmt.Fprintf(s.w, "found %d leases\n", len(r.Leases))
	for _, l := range r.Leases {
		fmt.Fprintf(s.w, "%016x\n", l.ID)
	}
	return nil
}

func (s *simplePrinter) MemberAdd(r *clientv3.MemberAddResponse) error {
	as := " "
	if r.Member.GetIsLearner() {
		as = " as learner "
	}
	fmt.Fprintf(s.w, "Member %16x added%sto cluster %16x\n", r.Member.GetID(), as, r.Header.GetClusterId())
	return nil
}

func (s *simplePrinter) MemberRemove(id uint64, r *clientv3.MemberRemoveResponse) error {
	fmt.Fprintf(s.w, "Member %16x removed from cluster %16x\n", id, r.Header.GetClusterId())
	return nil
}

func (s *simplePrinter) MemberUpdate(id uint64, r *clientv3.MemberUpdateResponse) error {
	fmt.Fprintf(s.w, "Member %16x updated in cluster %16x\n", id, r.Header.GetClusterId())
	return nil
}

func (s *simplePrinter) MemberPromote(id uint64, r *clientv3.MemberPromoteResponse) error {
	fmt.Fprintf(s.w, "Member %16x promoted in cluster %16x\n", id, r.Header.GetClusterId())
	return nil
}

func (s *simplePrinter) MemberList(r *clientv3.MemberListResponse) error {
	_, rows := memberListRows(r)
	s.rows(rows)
	return nil
}

func (s *simplePrinter) EndpointHealth(hs []epHealth) error {
	for _, h := range hs {
		if h.Error == "" {
			fmt.Fprintf(s.w, "%s is healthy: successfully committed proposal: took = %v\n", h.Ep, h.Took)
		} else {
			fmt.Fprintf(s.errw, "%s is unhealthy: failed to commit proposal: %v\n", h.Ep, h.Error)
		}
	}
	return nil
}

func (s *simplePrinter) EndpointStatus(ss []epStatus) error {
	_, rows := endpointStatusRows(ss)
	s.rows(rows)
	return nil
}

func (s *simplePrinter) EndpointHashKV(hs []epHashKV) error {
	_, rows := endpointHashKVRows(hs)
	s.rows(rows)
	return nil
}

func (s *simplePrinter) MoveLeader(leader, target uint64, _ *clientv3.MoveLeaderResponse) error {
	fmt.Fprintf(s.w, "Leadership transferred from %s to %s\n", hexID(leader), hexID(target))
	return nil
}

// Alarm prints each alarm in the protobuf text form etcdctl prints with
// %+v: fields left out when zero, one space between them (protobuf-go adds
// a second one in some builds, by design, to keep the form from being
// parsed; etcd's etcdctl v3.7 may print either).
func (s *simplePrinter) Alarm(r *clientv3.AlarmResponse) error {
	for _, a := range r.Alarms {
		var fields []string
		if a.GetMemberID() != 0 {
			fields = append(fields, fmt.Sprintf("memberID:%d", a.GetMemberID()))
		}
		if a.GetAlarm() != pb.AlarmType_NONE {
			fields = append(fields, "alarm:"+a.GetAlarm().String())
		}
		fmt.Fprintln(s.w, strings.Join(fields, " "))
	}
	return nil
}

func (s *simplePrinter) rows(rows [][]string) {
	for _, row := range rows {
		fmt.Fprintln(s.w, strings.Join(row, ", "))
	}
}
