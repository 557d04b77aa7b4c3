package codec

import (
	"bytes"
	"testing"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

var _ encoding.CodecV2 = Codec{}

func TestRoundTripMatchesProtobuf(t *testing.T) {
	big := bytes.Repeat([]byte("v"), 1<<16) // above grpc's pooling threshold
	tests := []struct {
		name string
		msg  proto.Message
		into proto.Message
	}{
		{"small put", &pb.PutRequest{Key: []byte("k"), Value: []byte("v"), Lease: 7, PrevKv: true}, &pb.PutRequest{}},
		{"large range response", &pb.RangeResponse{
			Header: &pb.ResponseHeader{ClusterId: 1, MemberId: 2, Revision: 3, RaftTerm: 4},
			Kvs:    []*mvccpb.KeyValue{{Key: []byte("a"), Value: big, CreateRevision: 1, ModRevision: 2, Version: 3}},
			More:   true, Count: 9,
		}, &pb.RangeResponse{}},
		{"empty", &pb.RangeRequest{}, &pb.RangeRequest{}},
		{"not vtproto", wrapperspb.String("x"), &wrapperspb.StringValue{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Codec{}.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			want, err := proto.MarshalOptions{Deterministic: true}.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if got := data.Materialize(); !bytes.Equal(got, want) {
				t.Fatalf("wire bytes differ from protobuf-go: %d vs %d bytes", len(got), len(want))
			}
			if err := (Codec{}).Unmarshal(data, tt.into); err != nil {
				t.Fatal(err)
			}
			data.Free()
			if !proto.Equal(tt.msg, tt.into) {
				t.Fatalf("round trip differs")
			}
		})
	}
}

func TestRejectsNonProto(t *testing.T) {
	if _, err := (Codec{}).Marshal(struct{}{}); err == nil {
		t.Fatal("marshal of a non-message succeeded")
	}
	if err := (Codec{}).Unmarshal(mem.BufferSlice{mem.SliceBuffer([]byte{})}, &struct{}{}); err == nil {
		t.Fatal("unmarshal into a non-message succeeded")
	}
}

func BenchmarkMarshalRangeResponse(b *testing.B) {
	resp := &pb.RangeResponse{Header: &pb.ResponseHeader{Revision: 100}}
	for i := 0; i < 100; i++ {
		resp.Kvs = append(resp.Kvs, &mvccpb.KeyValue{Key: []byte("key-000000"), Value: bytes.Repeat([]byte("x"), 256), ModRevision: int64(i)})
	}
	b.Run("vtproto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d, err := Codec{}.Marshal(resp)
			if err != nil {
				b.Fatal(err)
			}
			d.Free()
		}
	})
	b.Run("protobuf-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMarshalWatchResponse is a watch response of one put of a
// 256-byte value, freed as grpc frees it after the write.
func BenchmarkMarshalWatchResponse(b *testing.B) {
	m := watchResponse(256)
	b.ReportAllocs()
	for b.Loop() {
		d, err := Codec{}.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		d.Free()
	}
}
