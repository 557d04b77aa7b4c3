// Command etcddesc is the etcd side of the wire-compatibility test. It links
// etcd v3.7's generated API packages (and nothing of ours) and either dumps
// their descriptors or round-trips messages through them.
//
//	etcddesc dump       writes a FileDescriptorSet of every file etcd registers
//	etcddesc roundtrip  reads frames (name, bytes) on stdin, parses each with
//	                    etcd's type, fails on unknown fields, writes it back
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	_ "go.etcd.io/etcd/api/v3/authpb"
	_ "go.etcd.io/etcd/api/v3/etcdserverpb"
	_ "go.etcd.io/etcd/api/v3/membershippb"
	_ "go.etcd.io/etcd/api/v3/mvccpb"
	_ "go.etcd.io/etcd/api/v3/versionpb"
	_ "go.etcd.io/etcd/server/v3/etcdserver/api/v3election/v3electionpb"
	_ "go.etcd.io/etcd/server/v3/etcdserver/api/v3lock/v3lockpb"
	_ "go.etcd.io/etcd/server/v3/lease/leasepb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: etcddesc dump|roundtrip")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "dump":
		err = dump(os.Stdout)
	case "roundtrip":
		err = roundTrip(bufio.NewReader(os.Stdin), os.Stdout)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcddesc:", err)
		os.Exit(1)
	}
}

func dump(w io.Writer) error {
	set := &descriptorpb.FileDescriptorSet{}
	protoregistry.GlobalFiles.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		set.File = append(set.File, protodesc.ToFileDescriptorProto(fd))
		return true
	})
	b, err := proto.Marshal(set)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func roundTrip(r *bufio.Reader, w io.Writer) error {
	for {
		name, err := readFrame(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		data, err := readFrame(r)
		if err != nil {
			return err
		}
		mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(name))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m := mt.New().Interface()
		if err := proto.Unmarshal(data, m); err != nil {
			return fmt.Errorf("%s: unmarshal: %w", name, err)
		}
		if path := unknownFields(m.ProtoReflect()); path != "" {
			return fmt.Errorf("%s: etcd does not know a field in %s", name, path)
		}
		out, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
		if err != nil {
			return fmt.Errorf("%s: marshal: %w", name, err)
		}
		if err := writeFrame(w, out); err != nil {
			return err
		}
	}
}

// unknownFields names the first (sub)message holding fields its type does
// not declare, or returns "".
func unknownFields(m protoreflect.Message) string {
	if len(m.GetUnknown()) > 0 {
		return string(m.Descriptor().FullName())
	}
	found := ""
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			for i := 0; i < v.List().Len() && found == ""; i++ {
				found = unknownFields(v.List().Get(i).Message())
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				found = unknownFields(mv.Message())
				return found == ""
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			found = unknownFields(v.Message())
		}
		return found == ""
	})
	return found
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

func writeFrame(w io.Writer, b []byte) error {
	var hdr [binary.MaxVarintLen64]byte
	if _, err := w.Write(hdr[:binary.PutUvarint(hdr[:], uint64(len(b)))]); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}
