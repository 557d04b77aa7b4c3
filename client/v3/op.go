package clientv3

import pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

type opType int

const (
	tRange opType = iota + 1
	tPut
	tDeleteRange
	tTxn
)

// noPrefixEnd is the range end meaning "to the end of the keyspace".
var noPrefixEnd = []byte{0}

// Op represents an operation that KV can execute.
type Op struct {
	t   opType
	key []byte
	end []byte

	// range
	limit        int64
	sort         *SortOption
	serializable bool
	keysOnly     bool
	countOnly    bool
	minModRev    int64
	maxModRev    int64
	minCreateRev int64
	maxCreateRev int64

	// range and watch
	rev int64

	// put, delete and watch
	prevKV bool

	// watch
	fragment       bool
	progressNotify bool
	createdNotify  bool
	filterPut      bool
	filterDelete   bool

	// put
	val         []byte
	leaseID     LeaseID
	ignoreValue bool
	ignoreLease bool

	// txn
	cmps    []Cmp
	thenOps []Op
	elseOps []Op

	isOptsWithFromKey bool
	isOptsWithPrefix  bool
}

// accessors

// IsTxn returns true if the "Op" type is transaction.
func (op Op) IsTxn() bool { return op.t == tTxn }

// Txn returns the comparison(if) operations, "then" operations, and "else" operations.
func (op Op) Txn() ([]Cmp, []Op, []Op) { return op.cmps, op.thenOps, op.elseOps }

// KeyBytes returns the byte slice holding the Op's key.
func (op Op) KeyBytes() []byte { return op.key }

// WithKeyBytes sets the byte slice for the Op's key.
func (op *Op) WithKeyBytes(key []byte) { op.key = key }

// RangeBytes returns the byte slice holding with the Op's range end, if any.
func (op Op) RangeBytes() []byte { return op.end }

// Rev returns the requested revision, if any.
func (op Op) Rev() int64 { return op.rev }

// Limit returns limit of the result, if any.
func (op Op) Limit() int64 { return op.limit }

// IsPut returns true iff the operation is a Put.
func (op Op) IsPut() bool { return op.t == tPut }

// IsGet returns true iff the operation is a Get.
func (op Op) IsGet() bool { return op.t == tRange }

// IsDelete returns true iff the operation is a Delete.
func (op Op) IsDelete() bool { return op.t == tDeleteRange }

// IsSerializable returns true if the serializable field is true.
func (op Op) IsSerializable() bool { return op.serializable }

// IsKeysOnly returns whether keysOnly is set.
func (op Op) IsKeysOnly() bool { return op.keysOnly }

// IsCountOnly returns whether countOnly is set.
func (op Op) IsCountOnly() bool { return op.countOnly }

// IsSortSet returns whether a sort option is set.
func (op Op) IsSortSet() bool { return op.sort != nil }

// IsOptsWithFromKey returns whether WithFromKey was applied.
func (op Op) IsOptsWithFromKey() bool { return op.isOptsWithFromKey }

// IsOptsWithPrefix returns whether WithPrefix was applied.
func (op Op) IsOptsWithPrefix() bool { return op.isOptsWithPrefix }

// IsPrevKV returns whether prevKV is set.
func (op Op) IsPrevKV() bool { return op.prevKV }

// IsFragment returns whether fragment is set.
func (op Op) IsFragment() bool { return op.fragment }

// IsProgressNotify returns whether progressNotify is set.
func (op Op) IsProgressNotify() bool { return op.progressNotify }

// IsCreatedNotify returns whether createdNotify is set.
func (op Op) IsCreatedNotify() bool { return op.createdNotify }

// IsFilterPut returns whether filterPut is set.
func (op Op) IsFilterPut() bool { return op.filterPut }

// IsFilterDelete returns whether filterDelete is set.
func (op Op) IsFilterDelete() bool { return op.filterDelete }

// MinModRev returns the operation's minimum modify revision.
func (op Op) MinModRev() int64 { return op.minModRev }

// MaxModRev returns the operation's maximum modify revision.
func (op Op) MaxModRev() int64 { return op.maxModRev }

// MinCreateRev returns the operation's minimum create revision.
func (op Op) MinCreateRev() int64 { return op.minCreateRev }

// MaxCreateRev returns the operation's maximum create revision.
func (op Op) MaxCreateRev() int64 { return op.maxCreateRev }

// WithRangeBytes sets the byte slice for the Op's range end.
func (op *Op) WithRangeBytes(end []byte) { op.end = end }

// ValueBytes returns the byte slice holding the Op's value, if any.
func (op Op) ValueBytes() []byte { return op.val }

// WithValueBytes sets the byte slice for the Op's value.
func (op *Op) WithValueBytes(v []byte) { op.val = v }

// IsSortOptionValid reports whether the sort target and order are known.
func (op Op) IsSortOptionValid() bool {
	if op.sort == nil {
		return true
	}
	if _, ok := pb.RangeRequest_SortOrder_name[int32(op.sort.Order)]; !ok {
		return false
	}
	_, ok := pb.RangeRequest_SortTarget_name[int32(op.sort.Target)]
	return ok
}

// conversions to requests

func (op Op) toRangeRequest() *pb.RangeRequest {
	if op.t != tRange {
		panic("op.t != tRange")
	}
	r := &pb.RangeRequest{
		Key:               op.key,
		RangeEnd:          op.end,
		Limit:             op.limit,
		Revision:          op.rev,
		Serializable:      op.serializable,
		KeysOnly:          op.keysOnly,
		CountOnly:         op.countOnly,
		MinModRevision:    op.minModRev,
		MaxModRevision:    op.maxModRev,
		MinCreateRevision: op.minCreateRev,
		MaxCreateRevision: op.maxCreateRev,
	}
	if op.sort != nil {
		r.SortOrder = pb.RangeRequest_SortOrder(op.sort.Order)
		r.SortTarget = pb.RangeRequest_SortTarget(op.sort.Target)
	}
	return r
}

func (op Op) toPutRequest() *pb.PutRequest {
	return &pb.PutRequest{
		Key:         op.key,
		Value:       op.val,
		Lease:       int64(op.leaseID),
		PrevKv:      op.prevKV,
		IgnoreValue: op.ignoreValue,
		IgnoreLease: op.ignoreLease,
	}
}

func (op Op) toDeleteRequest() *pb.DeleteRangeRequest {
	return &pb.DeleteRangeRequest{Key: op.key, RangeEnd: op.end, PrevKv: op.prevKV}
}

func (op Op) toTxnRequest() *pb.TxnRequest {
	r := &pb.TxnRequest{
		Compare: make([]*pb.Compare, len(op.cmps)),
		Success: make([]*pb.RequestOp, len(op.thenOps)),
		Failure: make([]*pb.RequestOp, len(op.elseOps)),
	}
	for i := range op.cmps {
		c := op.cmps[i].Clone()
		r.Compare[i] = c.GetCompare()
	}
	for i, o := range op.thenOps {
		r.Success[i] = o.toRequestOp()
	}
	for i, o := range op.elseOps {
		r.Failure[i] = o.toRequestOp()
	}
	return r
}

func (op Op) toRequestOp() *pb.RequestOp {
	switch op.t {
	case tRange:
		return &pb.RequestOp{Request: &pb.RequestOp_RequestRange{RequestRange: op.toRangeRequest()}}
	case tPut:
		return &pb.RequestOp{Request: &pb.RequestOp_RequestPut{RequestPut: op.toPutRequest()}}
	case tDeleteRange:
		return &pb.RequestOp{Request: &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: op.toDeleteRequest()}}
	case tTxn:
		return &pb.RequestOp{Request: &pb.RequestOp_RequestTxn{RequestTxn: op.toTxnRequest()}}
	default:
		panic("Unknown Op")
	}
}

// isWrite reports whether the op (or any op of a txn) writes.
func (op Op) isWrite() bool {
	if op.t != tTxn {
		return op.t != tRange
	}
	for _, o := range op.thenOps {
		if o.isWrite() {
			return true
		}
	}
	for _, o := range op.elseOps {
		if o.isWrite() {
			return true
		}
	}
	return false
}

// constructors

// NewOp returns an empty Op.
func NewOp() *Op { return &Op{key: []byte("")} }

// opCheck is one "this option makes no sense here" rule.
type opCheck struct {
	bad func(*Op) bool
	msg string // the panic message, with %s for the op name
}

var (
	checkLease   = opCheck{func(o *Op) bool { return o.leaseID != 0 }, "unexpected lease in "}
	checkLimit   = opCheck{func(o *Op) bool { return o.limit != 0 }, "unexpected limit in "}
	checkRev     = opCheck{func(o *Op) bool { return o.rev != 0 }, "unexpected revision in "}
	checkSort    = opCheck{func(o *Op) bool { return o.sort != nil }, "unexpected sort in "}
	checkSerial  = opCheck{func(o *Op) bool { return o.serializable }, "unexpected serializable in "}
	checkCount   = opCheck{func(o *Op) bool { return o.countOnly }, "unexpected countOnly in "}
	checkModRev  = opCheck{func(o *Op) bool { return o.minModRev != 0 || o.maxModRev != 0 }, "unexpected mod revision filter in "}
	checkCreRev  = opCheck{func(o *Op) bool { return o.minCreateRev != 0 || o.maxCreateRev != 0 }, "unexpected create revision filter in "}
	checkFilter  = opCheck{func(o *Op) bool { return o.filterDelete || o.filterPut }, "unexpected filter in "}
	checkCreated = opCheck{func(o *Op) bool { return o.createdNotify }, "unexpected createdNotify in "}
	checkRange   = opCheck{func(o *Op) bool { return o.end != nil }, "unexpected range in "}
)

var (
	deleteChecks = []opCheck{checkLease, checkLimit, checkRev, checkSort, checkSerial, checkCount, checkModRev, checkCreRev, checkFilter, checkCreated}
	putChecks    = []opCheck{checkRange, checkLimit, checkRev, checkSort, checkSerial, checkCount, checkModRev, checkCreRev, checkFilter, checkCreated}
	watchChecks  = []opCheck{checkLease, checkLimit, checkSort, checkSerial, checkCount, checkModRev, checkCreRev}
)

func (op *Op) mustPass(name string, checks []opCheck) {
	for _, c := range checks {
		if c.bad(op) {
			panic(c.msg + name)
		}
	}
}

func mustNotMixPrefixAndFromKey(opts []OpOption) {
	if IsOptsWithPrefix(opts) && IsOptsWithFromKey(opts) {
		panic("`WithPrefix` and `WithFromKey` cannot be set at the same time, choose one")
	}
}

// OpGet returns "get" operation based on given key and operation options.
func OpGet(key string, opts ...OpOption) Op {
	mustNotMixPrefixAndFromKey(opts)
	op := Op{t: tRange, key: []byte(key)}
	op.applyOpts(opts)
	return op
}

// OpDelete returns "delete" operation based on given key and operation options.
func OpDelete(key string, opts ...OpOption) Op {
	mustNotMixPrefixAndFromKey(opts)
	op := Op{t: tDeleteRange, key: []byte(key)}
	op.applyOpts(opts)
	op.mustPass("delete", deleteChecks)
	return op
}

// OpPut returns "put" operation based on given key-value and operation options.
func OpPut(key, val string, opts ...OpOption) Op {
	op := Op{t: tPut, key: []byte(key), val: []byte(val)}
	op.applyOpts(opts)
	op.mustPass("put", putChecks)
	return op
}

// OpTxn returns "txn" operation based on given transaction conditions.
func OpTxn(cmps []Cmp, thenOps []Op, elseOps []Op) Op {
	cloned := make([]Cmp, len(cmps))
	for i := range cmps {
		cloned[i] = cmps[i].Clone()
	}
	return Op{t: tTxn, cmps: cloned, thenOps: thenOps, elseOps: elseOps}
}

// OpWatch returns a watch operation (exported for proxies and wrappers).
func OpWatch(key string, opts ...OpOption) Op {
	op := Op{t: tRange, key: []byte(key)}
	op.applyOpts(opts)
	op.mustPass("watch", watchChecks)
	return op
}

func (op *Op) applyOpts(opts []OpOption) {
	for _, o := range opts {
		o(op)
	}
}

// IsOptsWithPrefix returns true if WithPrefix option is called in the given opts.
func IsOptsWithPrefix(opts []OpOption) bool {
	op := NewOp()
	op.applyOpts(opts)
	return op.isOptsWithPrefix
}

// IsOptsWithFromKey returns true if WithFromKey option is called in the given opts.
func IsOptsWithFromKey(opts []OpOption) bool {
	op := NewOp()
	op.applyOpts(opts)
	return op.isOptsWithFromKey
}
