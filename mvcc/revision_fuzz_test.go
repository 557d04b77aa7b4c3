package mvcc

import (
	"bytes"
	"testing"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

func TestRevisionKey(t *testing.T) {
	for _, tc := range []struct {
		rev  Revision
		tomb bool
		want string
	}{
		{Revision{Main: 1}, false, "\x00\x00\x00\x00\x00\x00\x00\x01_\x00\x00\x00\x00\x00\x00\x00\x00"},
		{Revision{Main: 0x0102, Sub: 3}, true, "\x00\x00\x00\x00\x00\x00\x01\x02_\x00\x00\x00\x00\x00\x00\x00\x03t"},
	} {
		got := RevisionKey(tc.rev, tc.tomb)
		if string(got) != tc.want {
			t.Fatalf("%v: %q", tc.rev, got)
		}
		r, tomb, err := ParseRevisionKey(got)
		if err != nil || r != tc.rev || tomb != tc.tomb {
			t.Fatalf("round trip %v %v: %v %v %v", tc.rev, tc.tomb, r, tomb, err)
		}
	}
	for _, bad := range []string{"", "short", "\x00\x00\x00\x00\x00\x00\x00\x01-\x00\x00\x00\x00\x00\x00\x00\x00", "\x00\x00\x00\x00\x00\x00\x00\x01_\x00\x00\x00\x00\x00\x00\x00\x00x"} {
		if _, _, err := ParseRevisionKey([]byte(bad)); err == nil {
			t.Fatalf("%q parsed", bad)
		}
	}
}

// FuzzRevisionKey: decoding never panics; whatever decodes re-encodes to
// the same bytes; encoding order is revision order.
func FuzzRevisionKey(f *testing.F) {
	f.Add(RevisionKey(Revision{Main: 5, Sub: 1}, false), int64(3), int64(9), false)
	f.Add(RevisionKey(Revision{Main: 1 << 40}, true), int64(1<<40), int64(0), true)
	f.Fuzz(func(t *testing.T, b []byte, main, sub int64, tomb bool) {
		if r, tm, err := ParseRevisionKey(b); err == nil {
			if !bytes.Equal(RevisionKey(r, tm), b) {
				t.Fatalf("%x does not re-encode", b)
			}
		}
		if main < 0 || sub < 0 {
			return
		}
		r := Revision{Main: main, Sub: sub}
		k := RevisionKey(r, tomb)
		got, gt, err := ParseRevisionKey(k)
		if err != nil || got != r || gt != tomb {
			t.Fatalf("%v/%v: %v %v %v", r, tomb, got, gt, err)
		}
		if b2, _, err := ParseRevisionKey(b); err == nil {
			c := bytes.Compare(RevisionKey(b2, false), RevisionKey(r, false))
			if (c < 0) != r.GreaterThan(b2) && c != 0 {
				t.Fatalf("order of %v and %v", b2, r)
			}
		}
	})
}

// FuzzDecodeKeyValue: the range path's decoder agrees with UnmarshalVT.
func FuzzDecodeKeyValue(f *testing.F) {
	kv := &mvccpb.KeyValue{Key: []byte("k"), Value: []byte("v"), CreateRevision: 2, ModRevision: 3, Version: 2, Lease: 7}
	b, _ := kv.MarshalVT()
	f.Add(b)
	f.Add([]byte{0x0a, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var got mvccpb.KeyValue
		err := decodeKeyValueInto(b, &got)
		var want mvccpb.KeyValue
		werr := want.UnmarshalVT(b)
		if (err == nil) != (werr == nil) {
			t.Skip() // the decoders may disagree on which malformed input to reject first
		}
		if err == nil && werr == nil {
			if !bytes.Equal(got.Key, want.Key) || !bytes.Equal(got.Value, want.Value) || got.CreateRevision != want.CreateRevision ||
				got.ModRevision != want.ModRevision || got.Version != want.Version || got.Lease != want.Lease {
				t.Fatalf("decode %x: got %v want %v", b, &got, &want)
			}
		}
	})
}
