package apply

import pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

// Every read and write answers with a response and its header, and every
// applied put with a Result too: they are allocated together, one
// allocation instead of two or three on the hottest paths.

type rangeResponse struct {
	resp pb.RangeResponse
	hdr  pb.ResponseHeader
}

// newRangeResponse returns an empty RangeResponse with its Header set.
func newRangeResponse() *pb.RangeResponse {
	x := &rangeResponse{}
	x.resp.Header = &x.hdr
	return &x.resp
}

type putResponse struct {
	resp pb.PutResponse
	hdr  pb.ResponseHeader
}

// newPutResponse returns an empty PutResponse with its Header set.
func newPutResponse() *pb.PutResponse {
	x := &putResponse{}
	x.resp.Header = &x.hdr
	return &x.resp
}

type putResult struct {
	res  Result
	resp pb.PutResponse
	hdr  pb.ResponseHeader
}

// newPutResult returns a Result whose Resp is an empty *pb.PutResponse
// with its Header set.
func newPutResult() *Result {
	x := &putResult{}
	x.resp.Header = &x.hdr
	x.res.Resp = &x.resp
	return &x.res
}
