package clientv3

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

func TestOpGetRange(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		opts     []OpOption
		wKey     []byte
		wEnd     []byte
		wLimit   int64
		wSortSet bool
	}{
		{"plain", "foo", nil, []byte("foo"), nil, 0, false},
		{"prefix", "foo", []OpOption{WithPrefix()}, []byte("foo"), []byte("fop"), 0, false},
		{"prefix 0xff", "a\xff", []OpOption{WithPrefix()}, []byte("a\xff"), []byte("b"), 0, false},
		{"prefix all 0xff", "\xff\xff", []OpOption{WithPrefix()}, []byte("\xff\xff"), []byte{0}, 0, false},
		{"empty prefix", "", []OpOption{WithPrefix()}, []byte{0}, []byte{0}, 0, false},
		{"from key", "foo", []OpOption{WithFromKey()}, []byte("foo"), []byte{0}, 0, false},
		{"from empty key", "", []OpOption{WithFromKey()}, []byte{0}, []byte{0}, 0, false},
		{"range", "a", []OpOption{WithRange("c")}, []byte("a"), []byte("c"), 0, false},
		{"last key", "k", WithLastKey(), []byte("k"), []byte("l"), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := OpGet(tt.key, tt.opts...)
			if !bytes.Equal(op.KeyBytes(), tt.wKey) || !bytes.Equal(op.RangeBytes(), tt.wEnd) {
				t.Fatalf("key/end = %q/%q, want %q/%q", op.KeyBytes(), op.RangeBytes(), tt.wKey, tt.wEnd)
			}
			if op.Limit() != tt.wLimit || op.IsSortSet() != tt.wSortSet {
				t.Fatalf("limit %d sort %v", op.Limit(), op.IsSortSet())
			}
		})
	}
}

func TestWithSortKeyAscendIsNone(t *testing.T) {
	r := OpGet("k", WithSort(SortByKey, SortAscend)).toRangeRequest()
	if r.SortOrder != pb.RangeRequest_NONE {
		t.Fatalf("sort order %v, want NONE", r.SortOrder)
	}
}

func TestOpPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"prefix and from key", func() { OpGet("k", WithPrefix(), WithFromKey()) }, "`WithPrefix` and `WithFromKey` cannot be set at the same time, choose one"},
		{"put with range", func() { OpPut("k", "v", WithRange("z")) }, "unexpected range in put"},
		{"put with limit", func() { OpPut("k", "v", WithLimit(1)) }, "unexpected limit in put"},
		{"delete with lease", func() { OpDelete("k", WithLease(1)) }, "unexpected lease in delete"},
		{"delete with rev", func() { OpDelete("k", WithRev(1)) }, "unexpected revision in delete"},
		{"watch with sort", func() { OpWatch("k", WithSort(SortByKey, SortDescend)) }, "unexpected sort in watch"},
		{"bad compare op", func() { Compare(Value("k"), "~", "v") }, "Unknown result op"},
		{"bad compare value", func() { Compare(Value("k"), "=", 1) }, "bad compare value"},
		{"if twice", func() { (&txn{}).If().If() }, "cannot call If twice!"},
		{"then after else", func() { (&txn{}).Else().Then() }, "cannot call Then after Else!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != tt.want {
					t.Fatalf("panic %v, want %q", r, tt.want)
				}
			}()
			tt.f()
		})
	}
}

func TestCompareBuilders(t *testing.T) {
	tests := []struct {
		name string
		cmp  Cmp
		want *pb.Compare
	}{
		{"value", Compare(Value("k"), "=", "v"), &pb.Compare{Key: []byte("k"), Target: pb.Compare_VALUE, Result: pb.Compare_EQUAL, TargetUnion: &pb.Compare_Value{Value: []byte("v")}}},
		{"version", Compare(Version("k"), ">", 2), &pb.Compare{Key: []byte("k"), Target: pb.Compare_VERSION, Result: pb.Compare_GREATER, TargetUnion: &pb.Compare_Version{Version: 2}}},
		{"create", Compare(CreateRevision("k"), "<", int64(3)), &pb.Compare{Key: []byte("k"), Target: pb.Compare_CREATE, Result: pb.Compare_LESS, TargetUnion: &pb.Compare_CreateRevision{CreateRevision: 3}}},
		{"mod prefix", Compare(ModRevision("k"), "!=", 4).WithPrefix(), &pb.Compare{Key: []byte("k"), RangeEnd: []byte("l"), Target: pb.Compare_MOD, Result: pb.Compare_NOT_EQUAL, TargetUnion: &pb.Compare_ModRevision{ModRevision: 4}}},
		{"lease", Compare(LeaseValue("k"), "=", LeaseID(5)), &pb.Compare{Key: []byte("k"), Target: pb.Compare_LEASE, Result: pb.Compare_EQUAL, TargetUnion: &pb.Compare_Lease{Lease: 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cmp.GetCompare(); !proto.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOpTxnIsWrite(t *testing.T) {
	tests := []struct {
		name string
		op   Op
		want bool
	}{
		{"get", OpGet("k"), false},
		{"put", OpPut("k", "v"), true},
		{"read-only txn", OpTxn(nil, []Op{OpGet("a")}, []Op{OpGet("b")}), false},
		{"txn with delete", OpTxn(nil, []Op{OpGet("a")}, []Op{OpDelete("b")}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.op.isWrite(); got != tt.want {
				t.Fatalf("isWrite = %v", got)
			}
		})
	}
}

func BenchmarkOpTxnToRequest(b *testing.B) {
	op := OpTxn(
		[]Cmp{Compare(Value("k"), "=", "v"), Compare(Version("k2"), ">", 1)},
		[]Op{OpPut("k", "v2"), OpGet("p", WithPrefix())},
		[]Op{OpDelete("k")})
	b.ReportAllocs()
	for b.Loop() {
		_ = op.toTxnRequest()
	}
}
