package ctl

import (
	"fmt"
	"io"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// fieldsPrinter writes one `"Name" : value` line per field, for scripts.
type fieldsPrinter struct {
	unsupported
	w     io.Writer
	isHex bool
}

func (p *fieldsPrinter) kv(pfx string, kv *mvccpb.KeyValue) {
	fmt.Fprintf(p.w, "\"%sKey\" : %q\n", pfx, string(kv.GetKey()))
	fmt.Fprintf(p.w, "\"%sCreateRevision\" : %d\n", pfx, kv.GetCreateRevision())
	fmt.Fprintf(p.w, "\"%sModRevision\" : %d\n", pfx, kv.GetModRevision())
	fmt.Fprintf(p.w, "\"%sVersion\" : %d\n", pfx, kv.GetVersion())
	fmt.Fprintf(p.w, "\"%sValue\" : %q\n", pfx, string(kv.GetValue()))
	if p.isHex {
		fmt.Fprintf(p.w, "\"%sLease\" : %016x\n", pfx, kv.GetLease())
	} else {
		fmt.Fprintf(p.w, "\"%sLease\" : %d\n", pfx, kv.GetLease())
	}
}

func (p *fieldsPrinter) hdr(h *pb.ResponseHeader) {
	if p.isHex {
		fmt.Fprintln(p.w, `"ClusterID" :`, hexID(h.GetClusterId()))
		fmt.Fprintln(p.w, `"MemberID" :`, hexID(h.GetMemberId()))
	} else {
		fmt.Fprintln(p.w, `"ClusterID" :`, h.GetClusterId())
		fmt.Fprintln(p.w, `"MemberID" :`, h.GetMemberId())
	}
	// A revision is only meaningful (and only set) on key-value responses.
	if h.GetRevision() > 0 {
		fmt.Fprintln(p.w, `"Revision" :`, h.GetRevision())
	}
	fmt.Fprintln(p.w, `"RaftTerm" :`, h.GetRaftTerm())
}

func (p *fieldsPrinter) id(id int64) {
	if p.isHex {
		fmt.Fprintf(p.w, "\"ID\" : %016x\n", id)
	} else {
		fmt.Fprintln(p.w, `"ID" :`, id)
	}
}

func (p *fieldsPrinter) Del(r *clientv3.DeleteResponse) error {
	p.hdr(r.Header)
	fmt.Fprintln(p.w, `"Deleted" :`, r.Deleted)
	for _, kv := range r.PrevKvs {
		p.kv("Prev", kv)
	}
	return nil
}

func (p *fieldsPrinter) Get(r *clientv3.GetResponse) error {
	p.hdr(r.Header)
	for _, kv := range r.Kvs {
		p.kv("", kv)
	}
	fmt.Fprintln(p.w, `"More" :`, r.More)
	fmt.Fprintln(p.w, `"Count" :`, r.Count)
	return nil
}

func (p *fieldsPrinter) Put(r *clientv3.PutResponse) error {
	p.hdr(r.Header)
	if r.PrevKv != nil {
		p.kv("Prev", r.PrevKv)
	}
	return nil
}

func (p *fieldsPrinter) Txn(r *clientv3.TxnResponse) error {
	p.hdr(r.Header)
	fmt.Fprintln(p.w, `"Succeeded" :`, r.Succeeded)
	for _, op := range r.Responses {
		switch v := op.Response.(type) {
		case *pb.ResponseOp_ResponseDeleteRange:
			p.Del((*clientv3.DeleteResponse)(v.ResponseDeleteRange))
		case *pb.ResponseOp_ResponsePut:
			p.Put((*clientv3.PutResponse)(v.ResponsePut))
		case *pb.ResponseOp_ResponseRange:
			p.Get((*clientv3.GetResponse)(v.ResponseRange))
		default:
			fmt.Fprintf(p.w, "\"Unknown\" : %q\n", fmt.Sprintf("%+v", v))
		}
	}
	return nil
}

func (p *fieldsPrinter) Watch(r *clientv3.WatchResponse) error {
	if r == nil {
		return nil
	}
	p.hdr(r.Header)
	for _, ev := range r.Events {
		fmt.Fprintln(p.w, `"Type" :`, ev.Type)
		if ev.PrevKv != nil {
			p.kv("Prev", ev.PrevKv)
		}
		p.kv("", ev.Kv)
	}
	return nil
}

func (p *fieldsPrinter) Grant(r *clientv3.LeaseGrantResponse) error {
	p.hdr(r.ResponseHeader)
	p.id(int64(r.ID))
	fmt.Fprintln(p.w, `"TTL" :`, r.TTL)
	return nil
}

func (p *fieldsPrinter) Revoke(_ clientv3.LeaseID, r *clientv3.LeaseRevokeResponse) error {
	p.hdr(r.Header)
	return nil
}

func (p *fieldsPrinter) KeepAlive(r *clientv3.LeaseKeepAliveResponse) error {
	p.hdr(r.ResponseHeader)
	p.id(int64(r.ID))
	fmt.Fprintln(p.w, `"TTL" :`, r.TTL)
	return nil
}

func (p *fieldsPrinter) TimeToLive(r *clientv3.LeaseTimeToLiveResponse, _ bool) error {
	p.hdr(r.ResponseHeader)
	p.id(int64(r.ID))
	fmt.Fprintln(p.w, `"TTL" :`, r.TTL)
	fmt.Fprintln(p.w, `"GrantedTTL" :`, r.GrantedTTL)
	for _, k := range r.Keys {
		fmt.Fprintf(p.w, "\"Key\" : %q\n", string(k))
	}
	return nil
}

func (p *fieldsPrinter) Leases(r *clientv3.LeaseLeasesResponse) error {
	p.hdr(r.ResponseHeader)
	for _, l := range r.Leases {
		p.id(int64(l.ID))
	}
	return nil
}

func (p *fieldsPrinter) MemberList(r *clientv3.MemberListResponse) error {
	p.hdr(r.Header)
	for _, m := range r.Members {
		if p.isHex {
			fmt.Fprintln(p.w, `"ID" :`, hexID(m.GetID()))
		} else {
			fmt.Fprintln(p.w, `"ID" :`, m.GetID())
		}
		fmt.Fprintf(p.w, "\"Name\" : %q\n", m.GetName())
		for _, u := range m.GetPeerURLs() {
			fmt.Fprintf(p.w, "\"PeerURL\" : %q\n", u)
		}
		for _, u := range m.GetClientURLs() {
			fmt.Fprintf(p.w, "\"ClientURL\" : %q\n", u)
		}
		fmt.Fprintln(p.w, `"IsLearner" :`, m.GetIsLearner())
		fmt.Fprintln(p.w)
	}
	return nil
}

func (p *fieldsPrinter) EndpointHealth(hs []epHealth) error {
	for _, h := range hs {
		fmt.Fprintf(p.w, "\"Endpoint\" : %q\n", h.Ep)
		fmt.Fprintln(p.w, `"Health" :`, h.Health)
		fmt.Fprintln(p.w, `"Took" :`, h.Took)
		fmt.Fprintln(p.w, `"Error" :`, h.Error)
		fmt.Fprintln(p.w)
	}
	return nil
}

func (p *fieldsPrinter) EndpointStatus(ss []epStatus) error {
	for _, s := range ss {
		r := (*pb.StatusResponse)(s.Resp)
		p.hdr(r.GetHeader())
		fmt.Fprintf(p.w, "\"Version\" : %q\n", r.GetVersion())
		fmt.Fprintf(p.w, "\"StorageVersion\" : %q\n", r.GetStorageVersion())
		fmt.Fprintln(p.w, `"DBSize" :`, r.GetDbSize())
		fmt.Fprintln(p.w, `"DBSizeInUse" :`, r.GetDbSizeInUse())
		fmt.Fprintln(p.w, `"DBSizeQuota" :`, r.GetDbSizeQuota())
		fmt.Fprintln(p.w, `"Leader" :`, r.GetLeader())
		fmt.Fprintln(p.w, `"IsLearner" :`, r.GetIsLearner())
		fmt.Fprintln(p.w, `"RaftIndex" :`, r.GetRaftIndex())
		fmt.Fprintln(p.w, `"RaftAppliedIndex" :`, r.GetRaftAppliedIndex())
		fmt.Fprintln(p.w, `"Errors" :`, r.GetErrors())
		fmt.Fprintf(p.w, "\"Endpoint\" : %q\n", s.Ep)
		fmt.Fprintf(p.w, "\"DowngradeTargetVersion\" : %q\n", r.GetDowngradeInfo().GetTargetVersion())
		fmt.Fprintln(p.w, `"DowngradeEnabled" :`, r.GetDowngradeInfo().GetEnabled())
		fmt.Fprintln(p.w)
	}
	return nil
}

func (p *fieldsPrinter) EndpointHashKV(hs []epHashKV) error {
	for _, h := range hs {
		r := (*pb.HashKVResponse)(h.Resp)
		p.hdr(r.GetHeader())
		fmt.Fprintf(p.w, "\"Endpoint\" : %q\n", h.Ep)
		fmt.Fprintln(p.w, `"Hash" :`, r.GetHash())
		fmt.Fprintln(p.w, `"HashRevision" :`, r.GetHashRevision())
		fmt.Fprintln(p.w)
	}
	return nil
}

func (p *fieldsPrinter) Alarm(r *clientv3.AlarmResponse) error {
	p.hdr(r.Header)
	for _, a := range r.Alarms {
		if p.isHex {
			fmt.Fprintln(p.w, `"MemberID" :`, hexID(a.GetMemberID()))
		} else {
			fmt.Fprintln(p.w, `"MemberID" :`, a.GetMemberID())
		}
		fmt.Fprintln(p.w, `"AlarmType" :`, a.GetAlarm())
		fmt.Fprintln(p.w)
	}
	return nil
}
