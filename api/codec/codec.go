package codec

import (
	"fmt"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
)

// Name is the content subtype; it is protobuf's, because the bytes are.
const Name = "proto"

// vtMessage is what protoc-gen-go-vtproto generates.
type vtMessage interface {
	SizeVT() int
	MarshalToSizedBufferVT(dAtA []byte) (int, error)
	UnmarshalVT(dAtA []byte) error
}

// Codec implements grpc's encoding.CodecV2.
type Codec struct{}

// Name implements encoding.CodecV2.
func (Codec) Name() string { return Name }

// Marshal implements encoding.CodecV2. The bytes of a generated message
// live in a buffer of grpc's pool (a slab shared by small messages, see
// carver), which grpc frees once it has written them; an empty message is
// an empty slice.
func (Codec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(vtMessage); ok {
		size := m.SizeVT()
		if size == 0 {
			return nil, nil
		}
		c := carvers.Get().(*carver)
		defer carvers.Put(c)
		buf, err := c.marshal(m, size)
		if err != nil {
			return nil, err
		}
		return c.slice(buf), nil
	}
	pm, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("codec: cannot marshal %T: not a proto.Message", v)
	}
	b, err := proto.Marshal(pm)
	if err != nil {
		return nil, err
	}
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

// Unmarshal implements encoding.CodecV2. The generated unmarshallers copy
// every bytes field, so the pooled input buffer is released on return.
func (Codec) Unmarshal(data mem.BufferSlice, v any) error {
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	if m, ok := v.(vtMessage); ok {
		return m.UnmarshalVT(buf.ReadOnlyData())
	}
	pm, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("codec: cannot unmarshal into %T: not a proto.Message", v)
	}
	return proto.Unmarshal(buf.ReadOnlyData(), pm)
}
