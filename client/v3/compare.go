package clientv3

import (
	"google.golang.org/protobuf/proto"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

type (
	CompareTarget int
	CompareResult int
)

const (
	CompareVersion CompareTarget = iota
	CompareCreated
	CompareModified
	CompareValue
)

// Cmp is one comparison of a transaction's If.
type Cmp struct {
	c *pb.Compare
}

// FromCompare creates a Cmp from a copy of a protobuf Compare.
func FromCompare(c *pb.Compare) Cmp {
	return Cmp{c: cloneCompare(c)}
}

// GetCompare returns the underlying protobuf Compare.
func (cmp *Cmp) GetCompare() *pb.Compare {
	cmp.ensure()
	return cmp.c
}

// Clone returns a deep copy.
func (cmp *Cmp) Clone() Cmp {
	if cmp.c == nil {
		return Cmp{}
	}
	return Cmp{c: cloneCompare(cmp.c)}
}

var compareResults = map[string]pb.Compare_CompareResult{
	"=":  pb.Compare_EQUAL,
	"!=": pb.Compare_NOT_EQUAL,
	">":  pb.Compare_GREATER,
	"<":  pb.Compare_LESS,
}

// Compare completes cmp with an operator ("=", "!=", ">", "<") and the
// value to compare with: a string for Value, an int or int64 for Version,
// CreateRevision and ModRevision, a LeaseID or integer for LeaseValue.
func Compare(cmp Cmp, result string, v any) Cmp {
	r, ok := compareResults[result]
	if !ok {
		panic("Unknown result op")
	}
	cmp = cmp.Clone()
	cmp.ensure()
	cmp.c.Result = r
	switch cmp.c.Target {
	case pb.Compare_VALUE:
		s, ok := v.(string)
		if !ok {
			panic("bad compare value")
		}
		cmp.c.TargetUnion = &pb.Compare_Value{Value: []byte(s)}
	case pb.Compare_VERSION:
		cmp.c.TargetUnion = &pb.Compare_Version{Version: mustInt64(v)}
	case pb.Compare_CREATE:
		cmp.c.TargetUnion = &pb.Compare_CreateRevision{CreateRevision: mustInt64(v)}
	case pb.Compare_MOD:
		cmp.c.TargetUnion = &pb.Compare_ModRevision{ModRevision: mustInt64(v)}
	case pb.Compare_LEASE:
		if id, ok := v.(LeaseID); ok {
			cmp.c.TargetUnion = &pb.Compare_Lease{Lease: int64(id)}
		} else {
			cmp.c.TargetUnion = &pb.Compare_Lease{Lease: mustInt64(v)}
		}
	default:
		panic("Unknown compare type")
	}
	return cmp
}

func newCmp(key string, target pb.Compare_CompareTarget) Cmp {
	return Cmp{c: &pb.Compare{Key: []byte(key), Target: target}}
}

// Value compares the key's value.
func Value(key string) Cmp { return newCmp(key, pb.Compare_VALUE) }

// Version compares the key's version.
func Version(key string) Cmp { return newCmp(key, pb.Compare_VERSION) }

// CreateRevision compares the key's create revision.
func CreateRevision(key string) Cmp { return newCmp(key, pb.Compare_CREATE) }

// ModRevision compares the key's last modification revision.
func ModRevision(key string) Cmp { return newCmp(key, pb.Compare_MOD) }

// LeaseValue compares the key's lease ID.
func LeaseValue(key string) Cmp { return newCmp(key, pb.Compare_LEASE) }

func (cmp *Cmp) ensure() {
	if cmp.c == nil {
		cmp.c = &pb.Compare{}
	}
}

// KeyBytes returns the byte slice holding the comparison key.
func (cmp *Cmp) KeyBytes() []byte {
	if cmp == nil {
		return nil
	}
	return cmp.c.GetKey()
}

// WithKeyBytes sets the byte slice for the comparison key.
func (cmp *Cmp) WithKeyBytes(key []byte) {
	cmp.ensure()
	cmp.c.Key = key
}

// ValueBytes returns the byte slice holding the comparison value, if any.
func (cmp *Cmp) ValueBytes() []byte {
	if v, ok := cmp.GetCompare().GetTargetUnion().(*pb.Compare_Value); ok {
		return v.Value
	}
	return nil
}

// WithValueBytes sets the byte slice for the comparison's value.
func (cmp *Cmp) WithValueBytes(v []byte) {
	cmp.ensure()
	cmp.c.TargetUnion.(*pb.Compare_Value).Value = v
}

// WithRange sets the comparison to scan the range [key, end).
func (cmp Cmp) WithRange(end string) Cmp {
	cmp = cmp.Clone()
	cmp.ensure()
	cmp.c.RangeEnd = []byte(end)
	return cmp
}

// WithPrefix sets the comparison to scan all keys prefixed by the key.
func (cmp Cmp) WithPrefix() Cmp {
	cmp = cmp.Clone()
	cmp.ensure()
	cmp.c.RangeEnd = getPrefix(cmp.c.GetKey())
	return cmp
}

func mustInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	}
	panic("bad value")
}

func cloneCompare(c *pb.Compare) *pb.Compare {
	if c == nil {
		return nil
	}
	return proto.Clone(c).(*pb.Compare)
}
