package api

import (
	"bufio"
	"encoding/binary"
	"io"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxDepth bounds recursion through message fields (messages such as
// TxnRequest contain themselves).
const maxDepth = 3

// variants is how many instances cover every choice of every oneof of md.
func variants(md protoreflect.MessageDescriptor) int {
	n := 1
	for i := 0; i < md.Oneofs().Len(); i++ {
		if l := md.Oneofs().Get(i).Fields().Len(); l > n {
			n = l
		}
	}
	return n
}

// fill sets every field of m to a non-default value derived from its
// number; in each oneof it sets the choice numbered variant (mod size).
func fill(m protoreflect.Message, variant, depth int) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
			if o.Fields().Get(variant%o.Fields().Len()) != fd {
				continue
			}
		}
		switch {
		case fd.IsList():
			if fd.Message() != nil && depth >= maxDepth {
				continue
			}
			l := m.Mutable(fd).List()
			for k := 0; k < 2; k++ {
				if fd.Message() != nil {
					e := l.NewElement()
					fill(e.Message(), variant, depth+1)
					l.Append(e)
				} else {
					l.Append(scalar(fd, k))
				}
			}
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			key := scalar(fd.MapKey(), 1).MapKey()
			if fd.MapValue().Message() != nil {
				v := mp.NewValue()
				fill(v.Message(), variant, depth+1)
				mp.Set(key, v)
			} else {
				mp.Set(key, scalar(fd.MapValue(), 1))
			}
		case fd.Message() != nil:
			if depth >= maxDepth {
				continue
			}
			fill(m.Mutable(fd).Message(), variant, depth+1)
		default:
			m.Set(fd, scalar(fd, 0))
		}
	}
}

func scalar(fd protoreflect.FieldDescriptor, k int) protoreflect.Value {
	n := int64(fd.Number()) + int64(k)*1000 + 1
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		return protoreflect.ValueOfEnum(vals.Get((int(n) % vals.Len())).Number())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(-n))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(-n << 33)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(n))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(n) << 40)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(n) + 0.5)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(n) + 0.25)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(string(fd.Name()) + "-" + string(rune('a'+k)))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte{byte(n), 0, 0xff, byte(k)})
	}
	panic("unhandled kind " + fd.Kind().String())
}

func readFrame(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return b, err
}

func writeFrame(w io.Writer, b []byte) {
	var hdr [binary.MaxVarintLen64]byte
	w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(len(b)))])
	w.Write(b)
}
