package wal

import (
	"encoding/binary"
	"hash/crc32"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// encoder turns records into frames in a reusable buffer and keeps the
// running checksum. It does no I/O: the WAL writes buf out.
type encoder struct {
	table   *crc32.Table
	crc     uint32
	buf     []byte // frames not yet written
	payload []byte // space to marshal a payload into
}

func newEncoder(prevCrc uint32) *encoder {
	return &encoder{
		table:   castagnoli(),
		crc:     prevCrc,
		payload: make([]byte, 0, 4096),
	}
}

// appendRecord frames a record of typ and data (nil leaves the data field
// out, as etcd's crc records do).
func (e *encoder) appendRecord(typ int64, data []byte) {
	e.crc = crc32.Update(e.crc, e.table, data)
	n := walpb.RecordSize(typ, e.crc, data)
	lenField, pad := encodeFrameSize(n)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, lenField)
	e.buf = walpb.AppendRecordHeader(e.buf, typ, e.crc, data)
	e.buf = append(e.buf, data...)
	var zeros [8]byte
	e.buf = append(e.buf, zeros[:pad]...)
}

// appendMessage marshals m into the payload space and frames it. The
// returned payload is valid until the next append.
func (e *encoder) appendMessage(typ int64, m proto.Message) ([]byte, error) {
	b, err := proto.MarshalOptions{}.MarshalAppend(e.payload[:0], m)
	if err != nil {
		return nil, err
	}
	if cap(b) <= 1<<20 {
		e.payload = b[:0] // keep a grown buffer, within reason
	}
	e.appendRecord(typ, b)
	return b, nil
}

func (e *encoder) appendEntry(ent *raftpb.Entry) error {
	_, err := e.appendMessage(EntryType, ent)
	return err
}

func (e *encoder) appendState(st *raftpb.HardState) ([]byte, error) {
	return e.appendMessage(StateType, st)
}

func (e *encoder) appendCrc() {
	e.appendRecord(CrcType, nil)
}

func (e *encoder) appendSnapshot(s *walpb.Snapshot) error {
	b, err := s.MarshalAppend(e.payload[:0])
	if err != nil {
		return err
	}
	e.appendRecord(SnapshotType, b)
	return nil
}
