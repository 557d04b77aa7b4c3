package ctl

import (
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// pbPrinter writes the wire encoding of each response, unframed.
type pbPrinter struct{ rpcPrinter }

func newPBPrinter(out, errOut io.Writer) printer {
	emit := func(v any) error {
		m, ok := v.(proto.Message)
		if !ok {
			return exitf(ExitBadFeature, "marshal unsupported for type %T (%v)", v, v)
		}
		b, err := proto.Marshal(m)
		if err != nil {
			fmt.Fprintf(errOut, "%v\n", err)
			return nil
		}
		_, err = out.Write(b)
		return err
	}
	return &pbPrinter{rpcPrinter{unsupported{"protobuf"}, emit}}
}

// Watch sends the wire WatchResponse the client's response came from.
func (p *pbPrinter) Watch(r *clientv3.WatchResponse) error {
	wr := &pb.WatchResponse{}
	if r != nil {
		wr = &pb.WatchResponse{
			Header:          r.Header,
			Events:          r.Events,
			CompactRevision: r.CompactRevision,
			Canceled:        r.Canceled,
			Created:         r.Created,
		}
	}
	return p.emit(wr)
}
