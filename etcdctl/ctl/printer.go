package ctl

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dustin/go-humanize"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// printer renders command results in one --write-out format. A method
// returns an *exitError when the format cannot render that result.
type printer interface {
	Del(*clientv3.DeleteResponse) error
	Get(*clientv3.GetResponse) error
	Put(*clientv3.PutResponse) error
	Txn(*clientv3.TxnResponse) error
	Watch(*clientv3.WatchResponse) error

	Grant(*clientv3.LeaseGrantResponse) error
	Revoke(id clientv3.LeaseID, r *clientv3.LeaseRevokeResponse) error
	KeepAlive(*clientv3.LeaseKeepAliveResponse) error
	TimeToLive(r *clientv3.LeaseTimeToLiveResponse, keys bool) error
	Leases(*clientv3.LeaseLeasesResponse) error

	MemberAdd(*clientv3.MemberAddResponse) error
	MemberRemove(id uint64, r *clientv3.MemberRemoveResponse) error
	MemberUpdate(id uint64, r *clientv3.MemberUpdateResponse) error
	MemberPromote(id uint64, r *clientv3.MemberPromoteResponse) error
	MemberList(*clientv3.MemberListResponse) error

	EndpointHealth([]epHealth) error
	EndpointStatus([]epStatus) error
	EndpointHashKV([]epHashKV) error
	MoveLeader(leader, target uint64, r *clientv3.MoveLeaderResponse) error

	Alarm(*clientv3.AlarmResponse) error
}

// newPrinter returns the printer for format, or nil if format is unknown.
func newPrinter(format string, isHex bool, out, errOut io.Writer) printer {
	switch format {
	case "simple":
		return &simplePrinter{w: out, errw: errOut, isHex: isHex}
	case "fields":
		return &fieldsPrinter{unsupported: unsupported{"fields"}, w: out, isHex: isHex}
	case "json":
		return newJSONPrinter(out, errOut, isHex)
	case "protobuf":
		return newPBPrinter(out, errOut)
	case "table":
		return &tablePrinter{unsupported: unsupported{"table"}, w: out}
	}
	return nil
}

// unsupported refuses every result; printers embed it and override what
// they can render.
type unsupported struct{ format string }

func (u unsupported) fail() error {
	return exitErr(ExitBadFeature, errors.New(u.format+" not supported as output format"))
}

func (u unsupported) Del(*clientv3.DeleteResponse) error       { return u.fail() }
func (u unsupported) Get(*clientv3.GetResponse) error          { return u.fail() }
func (u unsupported) Put(*clientv3.PutResponse) error          { return u.fail() }
func (u unsupported) Txn(*clientv3.TxnResponse) error          { return u.fail() }
func (u unsupported) Watch(*clientv3.WatchResponse) error      { return u.fail() }
func (u unsupported) Grant(*clientv3.LeaseGrantResponse) error { return u.fail() }
func (u unsupported) Revoke(clientv3.LeaseID, *clientv3.LeaseRevokeResponse) error {
	return u.fail()
}
func (u unsupported) KeepAlive(*clientv3.LeaseKeepAliveResponse) error          { return u.fail() }
func (u unsupported) TimeToLive(*clientv3.LeaseTimeToLiveResponse, bool) error  { return u.fail() }
func (u unsupported) Leases(*clientv3.LeaseLeasesResponse) error                { return u.fail() }
func (u unsupported) MemberAdd(*clientv3.MemberAddResponse) error               { return u.fail() }
func (u unsupported) MemberRemove(uint64, *clientv3.MemberRemoveResponse) error { return u.fail() }
func (u unsupported) MemberUpdate(uint64, *clientv3.MemberUpdateResponse) error { return u.fail() }
func (u unsupported) MemberPromote(uint64, *clientv3.MemberPromoteResponse) error {
	return u.fail()
}
func (u unsupported) MemberList(*clientv3.MemberListResponse) error { return u.fail() }
func (u unsupported) EndpointHealth([]epHealth) error               { return u.fail() }
func (u unsupported) EndpointStatus([]epStatus) error               { return u.fail() }
func (u unsupported) EndpointHashKV([]epHashKV) error               { return u.fail() }
func (u unsupported) MoveLeader(uint64, uint64, *clientv3.MoveLeaderResponse) error {
	return u.fail()
}
func (u unsupported) Alarm(*clientv3.AlarmResponse) error { return u.fail() }

// rpcPrinter hands each RPC response, as its wire message where it has
// one, to emit; json and protobuf build on it.
type rpcPrinter struct {
	unsupported
	emit func(any) error
}

func (p rpcPrinter) Del(r *clientv3.DeleteResponse) error {
	return p.emit((*pb.DeleteRangeResponse)(r))
}
func (p rpcPrinter) Get(r *clientv3.GetResponse) error { return p.emit((*pb.RangeResponse)(r)) }
func (p rpcPrinter) Put(r *clientv3.PutResponse) error { return p.emit((*pb.PutResponse)(r)) }
func (p rpcPrinter) Txn(r *clientv3.TxnResponse) error { return p.emit((*pb.TxnResponse)(r)) }
func (p rpcPrinter) Watch(r *clientv3.WatchResponse) error {
	return p.emit(r)
}
func (p rpcPrinter) Grant(r *clientv3.LeaseGrantResponse) error { return p.emit(r) }
func (p rpcPrinter) Revoke(_ clientv3.LeaseID, r *clientv3.LeaseRevokeResponse) error {
	return p.emit(r)
}
func (p rpcPrinter) KeepAlive(r *clientv3.LeaseKeepAliveResponse) error { return p.emit(r) }
func (p rpcPrinter) TimeToLive(r *clientv3.LeaseTimeToLiveResponse, _ bool) error {
	return p.emit(r)
}
func (p rpcPrinter) Leases(r *clientv3.LeaseLeasesResponse) error { return p.emit(r) }
func (p rpcPrinter) MemberAdd(r *clientv3.MemberAddResponse) error {
	return p.emit((*pb.MemberAddResponse)(r))
}
func (p rpcPrinter) MemberRemove(_ uint64, r *clientv3.MemberRemoveResponse) error {
	return p.emit((*pb.MemberRemoveResponse)(r))
}
func (p rpcPrinter) MemberUpdate(_ uint64, r *clientv3.MemberUpdateResponse) error {
	return p.emit((*pb.MemberUpdateResponse)(r))
}
func (p rpcPrinter) MemberPromote(_ uint64, r *clientv3.MemberPromoteResponse) error {
	return p.emit((*pb.MemberPromoteResponse)(r))
}
func (p rpcPrinter) MemberList(r *clientv3.MemberListResponse) error {
	return p.emit((*pb.MemberListResponse)(r))
}
func (p rpcPrinter) MoveLeader(_, _ uint64, r *clientv3.MoveLeaderResponse) error {
	return p.emit((*pb.MoveLeaderResponse)(r))
}
func (p rpcPrinter) Alarm(r *clientv3.AlarmResponse) error {
	return p.emit((*pb.AlarmResponse)(r))
}

// Rows shared by the simple and table printers.

func memberListRows(r *clientv3.MemberListResponse) (hdr []string, rows [][]string) {
	hdr = []string{"ID", "Status", "Name", "Peer Addrs", "Client Addrs", "Is Learner"}
	if r == nil {
		return hdr, nil
	}
	for _, m := range r.Members {
		status := "started"
		if m.Name == "" {
			status = "unstarted"
		}
		rows = append(rows, []string{
			fmt.Sprintf("%x", m.ID),
			status,
			m.Name,
			strings.Join(m.PeerURLs, ","),
			strings.Join(m.ClientURLs, ","),
			strconv.FormatBool(m.IsLearner),
		})
	}
	return hdr, rows
}

func endpointHealthRows(hs []epHealth) (hdr []string, rows [][]string) {
	hdr = []string{"endpoint", "health", "took", "error"}
	for _, h := range hs {
		rows = append(rows, []string{h.Ep, strconv.FormatBool(h.Health), h.Took, h.Error})
	}
	return hdr, rows
}

func endpointStatusRows(ss []epStatus) (hdr []string, rows [][]string) {
	hdr = []string{
		"endpoint", "ID", "version", "storage version", "db size", "in use", "percentage not in use", "quota",
		"is leader", "is learner", "raft term", "raft index", "raft applied index", "errors",
		"downgrade target version", "downgrade enabled",
	}
	for _, s := range ss {
		r := (*pb.StatusResponse)(s.Resp)
		rows = append(rows, []string{
			s.Ep,
			fmt.Sprintf("%x", r.GetHeader().GetMemberId()),
			r.GetVersion(),
			r.GetStorageVersion(),
			humanize.Bytes(uint64(r.GetDbSize())),
			humanize.Bytes(uint64(r.GetDbSizeInUse())),
			fmt.Sprintf("%d%%", int(float64(100-(r.GetDbSizeInUse()*100/r.GetDbSize())))),
			humanize.Bytes(uint64(r.GetDbSizeQuota())),
			strconv.FormatBool(r.GetLeader() == r.GetHeader().GetMemberId()),
			strconv.FormatBool(r.GetIsLearner()),
			strconv.FormatUint(r.GetRaftTerm(), 10),
			strconv.FormatUint(r.GetRaftIndex(), 10),
			strconv.FormatUint(r.GetRaftAppliedIndex(), 10),
			strings.Join(r.GetErrors(), ", "),
			r.GetDowngradeInfo().GetTargetVersion(),
			strconv.FormatBool(r.GetDowngradeInfo().GetEnabled()),
		})
	}
	return hdr, rows
}

func endpointHashKVRows(hs []epHashKV) (hdr []string, rows [][]string) {
	hdr = []string{"endpoint", "hash", "hash_revision"}
	for _, h := range hs {
		r := (*pb.HashKVResponse)(h.Resp)
		rows = append(rows, []string{
			h.Ep,
			strconv.FormatUint(uint64(r.GetHash()), 10),
			strconv.FormatInt(r.GetHashRevision(), 10),
		})
	}
	return hdr, rows
}
