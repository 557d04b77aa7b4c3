package etcdserver

import (
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"google.golang.org/protobuf/encoding/protowire"
)

func mustMarshal(t testing.TB, r *pb.InternalRaftRequest) []byte {
	t.Helper()
	b, err := r.MarshalVT()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodedID is the ID applyNormal used before requestID: decode, then
// the header's ID if there is a header, else the ID field.
func decodedID(data []byte) (uint64, error) {
	var r pb.InternalRaftRequest
	if err := r.UnmarshalVT(data); err != nil {
		return 0, err
	}
	if r.Header != nil {
		return r.Header.ID, nil
	}
	return r.ID, nil
}

func TestRequestID(t *testing.T) {
	hdr := func(id uint64) []byte {
		return protowire.AppendVarint(protowire.AppendTag(nil, requestHeaderIDField, protowire.VarintType), id)
	}
	field := func(b []byte, num protowire.Number, v []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(b, num, protowire.BytesType), v)
	}
	tests := []struct {
		name   string
		data   []byte
		want   uint64
		wantOK bool
	}{
		{"put", mustMarshal(t, &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: 7}, Put: &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}}), 7, true},
		{"header with user and ID", mustMarshal(t, &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: 1 << 60, Username: "u", AuthRevision: 3}, Txn: &pb.TxnRequest{}}), 1 << 60, true},
		{"top-level ID only", mustMarshal(t, &pb.InternalRaftRequest{ID: 9, Compaction: &pb.CompactionRequest{Revision: 3}}), 9, true},
		{"header wins over ID", mustMarshal(t, &pb.InternalRaftRequest{ID: 9, Header: &pb.RequestHeader{ID: 5}}), 5, true},
		{"empty header is ID 0", mustMarshal(t, &pb.InternalRaftRequest{ID: 9, Header: &pb.RequestHeader{}}), 0, true},
		{"nothing", nil, 0, true},
		{"last header ID wins", field(field(nil, internalRequestHeaderField, hdr(1)), internalRequestHeaderField, hdr(2)), 2, true},
		{"headers merge", field(field(nil, internalRequestHeaderField, hdr(1)), internalRequestHeaderField, nil), 1, true},
		{"truncated", mustMarshal(t, &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: 7}, Put: &pb.PutRequest{Key: []byte("k")}})[:3], 0, false},
		{"bad tag", []byte{0x80}, 0, false},
		{"bad header", field(nil, internalRequestHeaderField, []byte{0x08}), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := requestID(tt.data)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("requestID = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
			if dec, err := decodedID(tt.data); ok && (err != nil || dec != got) {
				t.Fatalf("decoding gives %d, %v", dec, err)
			}
		})
	}
}

// FuzzRequestID checks that whenever requestID reads an ID from bytes that
// decode, it is the decoded request's ID: the apply loop takes the waiting
// request of that ID in place of decoding.
func FuzzRequestID(f *testing.F) {
	f.Add(mustMarshal(f, &pb.InternalRaftRequest{Header: &pb.RequestHeader{ID: 7}, Put: &pb.PutRequest{Key: []byte("k"), Value: []byte("v")}}))
	f.Add(mustMarshal(f, &pb.InternalRaftRequest{ID: 3, Header: &pb.RequestHeader{ID: 1 << 62, Username: "root"}, DeleteRange: &pb.DeleteRangeRequest{Key: []byte("a")}}))
	f.Add(mustMarshal(f, &pb.InternalRaftRequest{ID: 3, LeaseGrant: &pb.LeaseGrantRequest{TTL: 5, ID: 8}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := requestID(data)
		want, err := decodedID(data)
		if err != nil || !ok {
			return
		}
		if got != want {
			t.Fatalf("requestID = %d, decoded ID %d", got, want)
		}
	})
}
