package quota

import (
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

// DefaultBytes is the limit when --quota-backend-bytes is 0 (2 GiB).
const DefaultBytes = int64(2 * 1024 * 1024 * 1024)

const (
	kvOverhead    = 256
	leaseOverhead = 64
)

// Quota judges requests against a backend size limit.
type Quota struct {
	// Size reports the current backend size.
	Size func() int64
	// Limit is the configured quota: 0 means DefaultBytes, negative
	// disables the quota.
	Limit int64
}

// Max is the effective limit (negative: none).
func (q Quota) Max() int64 {
	if q.Limit == 0 {
		return DefaultBytes
	}
	return q.Limit
}

// Available tells whether r fits: requests that cost nothing always do.
func (q Quota) Available(r any) bool {
	max := q.Max()
	if max < 0 {
		return true
	}
	c := Cost(r)
	if c == 0 {
		return true
	}
	return q.Size()+int64(c) < max
}

// Cost is the charge of a PutRequest, TxnRequest or LeaseGrantRequest;
// anything else costs nothing.
func Cost(r any) int {
	switch r := r.(type) {
	case *pb.PutRequest:
		return costPut(r)
	case *pb.TxnRequest:
		return costTxn(r)
	case *pb.LeaseGrantRequest:
		return leaseOverhead
	}
	return 0
}

func costPut(r *pb.PutRequest) int { return kvOverhead + len(r.Key) + len(r.Value) }

func costOps(ops []*pb.RequestOp) int {
	n := 0
	for _, op := range ops {
		if p := op.GetRequestPut(); p != nil {
			n += costPut(p)
		} else if t := op.GetRequestTxn(); t != nil {
			n += costTxn(t)
		}
	}
	return n
}

func costTxn(r *pb.TxnRequest) int {
	return max(costOps(r.Success), costOps(r.Failure))
}
