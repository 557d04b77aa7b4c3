package wal

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// segmentReader is one segment to decode.
type segmentReader struct {
	r    *bufio.Reader
	size int64
	name string
}

// decoder reads frames from a sequence of segments, verifying the chained
// checksum of every record except crc records, whose value the caller
// checks and then installs with updateCRC.
type decoder struct {
	segs []segmentReader
	// lastValidOff is the offset, in the current segment, just past the
	// last record decoded successfully.
	lastValidOff int64
	table        *crc32.Table
	crc          uint32
	buf          []byte
	// continueOnCRCError decodes past checksum mismatches (for tools).
	continueOnCRCError bool
}

const readBufferBytes = 64 * 1024

func newDecoder(segs ...segmentReader) *decoder {
	return &decoder{segs: segs, table: castagnoli()}
}

// newSegmentReader wraps r, of the given size, for the decoder.
func newSegmentReader(r io.Reader, size int64, name string) segmentReader {
	return segmentReader{r: bufio.NewReaderSize(r, readBufferBytes), size: size, name: name}
}

// decode reads the next record into rec. rec.Data aliases a buffer that the
// next call reuses. At the end of the last segment it returns io.EOF; for a
// record cut short by a crash, an error wrapping io.ErrUnexpectedEOF; for a
// complete record with a wrong checksum, one wrapping ErrCRCMismatch.
func (d *decoder) decode(rec *walpb.Record) error {
	*rec = walpb.Record{}
	for {
		if len(d.segs) == 0 {
			return io.EOF
		}
		seg := &d.segs[0]
		var hdr [frameSizeBytes]byte
		_, err := io.ReadFull(seg.r, hdr[:])
		l := int64(binary.LittleEndian.Uint64(hdr[:]))
		if errors.Is(err, io.EOF) || (err == nil && l == 0) {
			// End of the file or of its written part.
			d.segs = d.segs[1:]
			if len(d.segs) == 0 {
				return io.EOF
			}
			d.lastValidOff = 0
			continue
		}
		if err != nil {
			return fmt.Errorf("%w: reading length in %q at %d", err, seg.name, d.lastValidOff)
		}
		return d.decodeFrame(seg, l, rec)
	}
}

func (d *decoder) decodeFrame(seg *segmentReader, l int64, rec *walpb.Record) error {
	recBytes, padBytes := decodeFrameSize(l)
	// A record can not be longer than what is left of the file.
	if limit := seg.size - d.lastValidOff - padBytes; recBytes > limit {
		return fmt.Errorf("%w: [wal] max entry size limit exceeded when reading %q, recBytes: %d, fileSize(%d) - offset(%d) - padBytes(%d) = entryLimit(%d)",
			io.ErrUnexpectedEOF, seg.name, recBytes, seg.size, d.lastValidOff, padBytes, limit)
	}
	n := int(recBytes + padBytes)
	if cap(d.buf) < n {
		d.buf = make([]byte, n)
	}
	data := d.buf[:n]
	if _, err := io.ReadFull(seg.r, data); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("%w: reading record in %q at %d", err, seg.name, d.lastValidOff)
	}
	if err := rec.Unmarshal(data[:recBytes]); err != nil {
		*rec = walpb.Record{}
		if d.isTornEntry(data) {
			return fmt.Errorf("%w: torn record in %q at %d", io.ErrUnexpectedEOF, seg.name, d.lastValidOff)
		}
		return fmt.Errorf("%w: in file %q at position: %d", err, seg.name, d.lastValidOff)
	}
	if rec.Type != CrcType {
		d.crc = crc32.Update(d.crc, d.table, rec.Data)
		if err := rec.Validate(d.crc); err != nil {
			torn := d.isTornEntry(data)
			if !d.continueOnCRCError {
				*rec = walpb.Record{}
			} else {
				d.lastValidOff += frameSizeBytes + recBytes + padBytes
			}
			if torn {
				return fmt.Errorf("%w: in file %q at position: %d", io.ErrUnexpectedEOF, seg.name, d.lastValidOff)
			}
			return fmt.Errorf("%w: in file %q at position: %d", err, seg.name, d.lastValidOff)
		}
	}
	d.lastValidOff += frameSizeBytes + recBytes + padBytes
	return nil
}

// isTornEntry reports whether data, a frame body read from the last
// segment, has a sector-aligned piece that is all zeros: the mark of a
// write that a crash cut short.
func (d *decoder) isTornEntry(data []byte) bool {
	if len(d.segs) != 1 {
		return false
	}
	fileOff := d.lastValidOff + frameSizeBytes
	for cur := 0; cur < len(data); {
		chunk := int(minSectorSize - fileOff%minSectorSize)
		chunk = min(chunk, len(data)-cur)
		if allZero(data[cur : cur+chunk]) {
			return true
		}
		fileOff += int64(chunk)
		cur += chunk
	}
	return false
}

func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// updateCRC restarts the chain from prevCrc (from a crc record).
func (d *decoder) updateCRC(prevCrc uint32) { d.crc = prevCrc }

func (d *decoder) lastCRC() uint32 { return d.crc }

func (d *decoder) lastOffset() int64 { return d.lastValidOff }
