package wal

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// FuzzDecodeRecord feeds arbitrary bytes to the decoder as the content of a
// last segment. It must never panic or allocate past the input's size, must
// stop at the first bad record, and every record it accepts must carry a
// checksum that matches the chain.
func FuzzDecodeRecord(f *testing.F) {
	enc := newEncoder(0)
	enc.appendCrc()
	enc.appendRecord(MetadataType, []byte("metadata"))
	_ = enc.appendSnapshot(&walpb.Snapshot{})
	_, _ = enc.appendState(hardState(1, 2, 3))
	for _, e := range entries(1, 3, 1, 40) {
		_ = enc.appendEntry(e)
	}
	good := append([]byte(nil), enc.buf...)
	f.Add(good)
	f.Add(good[:len(good)-5])
	f.Add(append(append([]byte(nil), good...), make([]byte, 600)...))
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x10
	f.Add(flipped)
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{8, 0, 0, 0, 0, 0, 0, 0x80, 8, 2})

	f.Fuzz(func(t *testing.T, data []byte) {
		d := newDecoder(newSegmentReader(bytes.NewReader(data), int64(len(data)), "fuzz.wal"))
		var rec walpb.Record
		for i := 0; ; i++ {
			err := d.decode(&rec)
			if d.lastOffset() > int64(len(data)) {
				t.Fatalf("offset %d past the end %d", d.lastOffset(), len(data))
			}
			if cap(d.buf) > len(data)+8 {
				t.Fatalf("buffer of %d for %d bytes of input", cap(d.buf), len(data))
			}
			if err != nil {
				if errors.Is(err, ErrCRCMismatch) && errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("error is both torn and corrupt: %v", err)
				}
				return
			}
			if rec.Type == CrcType {
				d.updateCRC(rec.Crc)
				continue
			}
			if rec.Crc != d.lastCRC() {
				t.Fatalf("record %d accepted with crc %x, chain at %x", i, rec.Crc, d.lastCRC())
			}
			// A record that decodes re-encodes to a record that decodes
			// to the same fields.
			var again walpb.Record
			if err := again.Unmarshal(rec.Marshal()); err != nil || again.Type != rec.Type || again.Crc != rec.Crc || !bytes.Equal(again.Data, rec.Data) {
				t.Fatalf("re-encode of %+v: %+v, %v", rec, again, err)
			}
		}
	})
}
