package ctl

import (
	"encoding/json"
	"fmt"
	"io"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// jsonPrinter writes each response as one line of encoding/json over the
// response structs: int64s as numbers, bytes as base64, the field names of
// the messages' json tags. With --hex, member listings show IDs in hex.
type jsonPrinter struct {
	rpcPrinter
	w, errw io.Writer
	isHex   bool
}

func newJSONPrinter(out, errOut io.Writer, isHex bool) printer {
	p := &jsonPrinter{w: out, errw: errOut, isHex: isHex}
	p.rpcPrinter = rpcPrinter{unsupported{"json"}, p.plain}
	return p
}

// plain marshals v as it is.
func (p *jsonPrinter) plain(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintf(p.errw, "%v\n", err)
		return nil
	}
	fmt.Fprintln(p.w, string(b))
	return nil
}

func (p *jsonPrinter) EndpointHealth(r []epHealth) error { return p.plain(r) }
func (p *jsonPrinter) EndpointStatus(r []epStatus) error { return p.plain(r) }
func (p *jsonPrinter) EndpointHashKV(r []epHashKV) error { return p.plain(r) }

func (p *jsonPrinter) Txn(r *clientv3.TxnResponse) error {
	return p.plain(txnJSON((*pb.TxnResponse)(r)))
}

func (p *jsonPrinter) MemberAdd(r *clientv3.MemberAddResponse) error {
	if !p.isHex {
		return p.plain(r)
	}
	return p.plain(&struct {
		Header  *hexHeader   `json:"header"`
		Member  *hexMember   `json:"member"`
		Members []*hexMember `json:"members"`
	}{(*hexHeader)(r.Header), (*hexMember)(r.Member), hexMembers(r.Members)})
}

func (p *jsonPrinter) MemberRemove(_ uint64, r *clientv3.MemberRemoveResponse) error {
	return p.members(r, r.Header, r.Members)
}

func (p *jsonPrinter) MemberUpdate(_ uint64, r *clientv3.MemberUpdateResponse) error {
	return p.members(r, r.Header, r.Members)
}

func (p *jsonPrinter) MemberPromote(_ uint64, r *clientv3.MemberPromoteResponse) error {
	return p.members(r, r.Header, r.Members)
}

func (p *jsonPrinter) MemberList(r *clientv3.MemberListResponse) error {
	return p.members(r, r.Header, r.Members)
}

// members prints r, or with --hex its header and members with hex IDs.
func (p *jsonPrinter) members(r any, h *pb.ResponseHeader, ms []*pb.Member) error {
	if !p.isHex {
		return p.plain(r)
	}
	return p.plain(&struct {
		Header  *hexHeader   `json:"header"`
		Members []*hexMember `json:"members"`
	}{(*hexHeader)(h), hexMembers(ms)})
}

// hexHeader is a ResponseHeader whose IDs marshal as hex strings.
type hexHeader pb.ResponseHeader

func (h *hexHeader) MarshalJSON() ([]byte, error) {
	return json.Marshal(&struct {
		ClusterID string `json:"cluster_id"`
		MemberID  string `json:"member_id"`
		Revision  int64  `json:"revision,omitempty"`
		RaftTerm  uint64 `json:"raft_term,omitempty"`
	}{fmt.Sprintf("%x", h.ClusterId), fmt.Sprintf("%x", h.MemberId), h.Revision, h.RaftTerm})
}

// hexMember is a Member whose ID marshals as a hex string.
type hexMember pb.Member

func (m *hexMember) MarshalJSON() ([]byte, error) {
	return json.Marshal(&struct {
		ID         string   `json:"ID"`
		Name       string   `json:"name,omitempty"`
		PeerURLs   []string `json:"peerURLs,omitempty"`
		ClientURLs []string `json:"clientURLs,omitempty"`
		IsLearner  bool     `json:"isLearner,omitempty"`
	}{fmt.Sprintf("%x", m.ID), m.Name, m.PeerURLs, m.ClientURLs, m.IsLearner})
}

func hexMembers(ms []*pb.Member) []*hexMember {
	out := make([]*hexMember, len(ms))
	for i, m := range ms {
		out[i] = (*hexMember)(m)
	}
	return out
}

// txnResponseJSON spells a TxnResponse's oneof responses out as
// {"Response":{"response_put":…}}, the shape etcdctl prints.
type txnResponseJSON struct {
	Header    *pb.ResponseHeader `json:"header,omitempty"`
	Succeeded bool               `json:"succeeded,omitempty"`
	Responses []responseOpJSON   `json:"responses,omitempty"`
}

type responseOpJSON struct {
	Response responseUnionJSON `json:"Response"`
}

type responseUnionJSON struct {
	ResponseRange       *pb.RangeResponse       `json:"response_range,omitempty"`
	ResponsePut         *pb.PutResponse         `json:"response_put,omitempty"`
	ResponseDeleteRange *pb.DeleteRangeResponse `json:"response_delete_range,omitempty"`
	ResponseTxn         *txnResponseJSON        `json:"response_txn,omitempty"`
}

func txnJSON(r *pb.TxnResponse) txnResponseJSON {
	out := txnResponseJSON{Header: r.GetHeader(), Succeeded: r.GetSucceeded()}
	for _, op := range r.GetResponses() {
		var u responseUnionJSON
		switch v := op.Response.(type) {
		case *pb.ResponseOp_ResponseRange:
			u.ResponseRange = v.ResponseRange
		case *pb.ResponseOp_ResponsePut:
			u.ResponsePut = v.ResponsePut
		case *pb.ResponseOp_ResponseDeleteRange:
			u.ResponseDeleteRange = v.ResponseDeleteRange
		case *pb.ResponseOp_ResponseTxn:
			nested := txnJSON(v.ResponseTxn)
			u.ResponseTxn = &nested
		}
		out.Responses = append(out.Responses, responseOpJSON{u})
	}
	return out
}
