package v3rpc

import (
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

func checkRange(r *pb.RangeRequest) error {
	if len(r.Key) == 0 {
		return rpctypes.ErrGRPCEmptyKey
	}
	if _, ok := pb.RangeRequest_SortOrder_name[int32(r.SortOrder)]; !ok {
		return rpctypes.ErrGRPCInvalidSortOption
	}
	if _, ok := pb.RangeRequest_SortTarget_name[int32(r.SortTarget)]; !ok {
		return rpctypes.ErrGRPCInvalidSortOption
	}
	return nil
}

func checkPut(r *pb.PutRequest) error {
	if len(r.Key) == 0 {
		return rpctypes.ErrGRPCEmptyKey
	}
	if r.IgnoreValue && len(r.Value) != 0 {
		return rpctypes.ErrGRPCValueProvided
	}
	if r.IgnoreLease && r.Lease != 0 {
		return rpctypes.ErrGRPCLeaseProvided
	}
	return nil
}

func checkDelete(r *pb.DeleteRangeRequest) error {
	if len(r.Key) == 0 {
		return rpctypes.ErrGRPCEmptyKey
	}
	return nil
}

func checkTxn(r *pb.TxnRequest, maxOps int) error {
	if len(r.Compare) > maxOps || len(r.Success) > maxOps || len(r.Failure) > maxOps {
		return rpctypes.ErrGRPCTooManyOps
	}
	for _, c := range r.Compare {
		if len(c.Key) == 0 {
			return rpctypes.ErrGRPCEmptyKey
		}
	}
	for _, ops := range [][]*pb.RequestOp{r.Success, r.Failure} {
		for _, op := range ops {
			if err := checkOp(op, maxOps); err != nil {
				return err
			}
		}
	}
	for _, ops := range [][]*pb.RequestOp{r.Success, r.Failure} {
		if !mayConflict(ops) {
			continue
		}
		if _, _, err := checkIntervals(ops); err != nil {
			return err
		}
	}
	return nil
}

// mayConflict reports whether a branch could put a key twice or put a key
// it deletes: one op cannot, unless it is a txn (whose branches are
// checked with it). Most txns are one op, and checkIntervals allocates.
func mayConflict(ops []*pb.RequestOp) bool {
	if len(ops) > 1 {
		return true
	}
	for _, op := range ops {
		if _, ok := op.Request.(*pb.RequestOp_RequestTxn); ok {
			return true
		}
	}
	return false
}

func checkOp(op *pb.RequestOp, maxOps int) error {
	switch tv := op.Request.(type) {
	case *pb.RequestOp_RequestRange:
		return checkRange(tv.RequestRange)
	case *pb.RequestOp_RequestPut:
		return checkPut(tv.RequestPut)
	case *pb.RequestOp_RequestDeleteRange:
		return checkDelete(tv.RequestDeleteRange)
	case *pb.RequestOp_RequestTxn:
		return checkTxn(tv.RequestTxn, maxOps)
	}
	return nil
}

// interval is [start, end); an empty end is unbounded, a nil end one key.
type interval struct {
	start, end string
	point      bool
}

func (iv interval) contains(k string) bool {
	if iv.point {
		return k == iv.start
	}
	return k >= iv.start && (iv.end == "" || k < iv.end)
}

type intervals []interval

func (s intervals) contains(k string) bool {
	for _, iv := range s {
		if iv.contains(k) {
			return true
		}
	}
	return false
}

// checkIntervals rejects a txn branch that puts a key twice or puts a key
// it also deletes, counting nested txns (whose two branches exclude each
// other). It returns the branch's puts and deletes.
func checkIntervals(ops []*pb.RequestOp) (map[string]struct{}, intervals, error) {
	var dels intervals
	for _, op := range ops {
		d, ok := op.Request.(*pb.RequestOp_RequestDeleteRange)
		if !ok || d.RequestDeleteRange == nil {
			continue
		}
		dr := d.RequestDeleteRange
		switch {
		case len(dr.RangeEnd) == 0:
			dels = append(dels, interval{start: string(dr.Key), point: true})
		case len(dr.RangeEnd) == 1 && dr.RangeEnd[0] == 0:
			dels = append(dels, interval{start: string(dr.Key)})
		default:
			dels = append(dels, interval{start: string(dr.Key), end: string(dr.RangeEnd)})
		}
	}
	puts := map[string]struct{}{}
	for _, op := range ops {
		t, ok := op.Request.(*pb.RequestOp_RequestTxn)
		if !ok || t.RequestTxn == nil {
			continue
		}
		putsThen, delsThen, err := checkIntervals(t.RequestTxn.Success)
		if err != nil {
			return nil, nil, err
		}
		putsElse, delsElse, err := checkIntervals(t.RequestTxn.Failure)
		if err != nil {
			return nil, nil, err
		}
		for k := range putsThen {
			if _, dup := puts[k]; dup || dels.contains(k) {
				return nil, nil, rpctypes.ErrGRPCDuplicateKey
			}
			puts[k] = struct{}{}
		}
		for k := range putsElse {
			if _, dup := puts[k]; dup {
				if _, fromThen := putsThen[k]; !fromThen {
					return nil, nil, rpctypes.ErrGRPCDuplicateKey
				}
			}
			if dels.contains(k) {
				return nil, nil, rpctypes.ErrGRPCDuplicateKey
			}
			puts[k] = struct{}{}
		}
		dels = append(dels, delsThen...)
		dels = append(dels, delsElse...)
	}
	for _, op := range ops {
		p, ok := op.Request.(*pb.RequestOp_RequestPut)
		if !ok || p.RequestPut == nil {
			continue
		}
		k := string(p.RequestPut.Key)
		if _, dup := puts[k]; dup || dels.contains(k) {
			return nil, nil, rpctypes.ErrGRPCDuplicateKey
		}
		puts[k] = struct{}{}
	}
	return puts, dels, nil
}
