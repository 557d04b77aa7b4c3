package wal

import (
	"errors"
	"io"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// RecordInfo locates a record passed to a Records callback.
type RecordInfo struct {
	Segment string // base name of the segment file
	Offset  int64  // offset of the record's length word in the segment
}

// Records calls fn with every record of the WAL in dir, from its first
// segment to the end, without taking locks. The crc chain is checked as
// ReadAll checks it. rec and its Data are only valid during the call. It
// returns nil at the clean end of the log, fn's error if fn fails, or the
// error that stopped decoding (wrapping io.ErrUnexpectedEOF for a torn
// tail, ErrCRCMismatch for corruption).
func Records(cfg Config, dir string, fn func(info RecordInfo, rec *walpb.Record) error) error {
	cfg = cfg.withDefaults()
	names, err := segmentNames(cfg.Logger, cfg.FS, dir)
	if err != nil {
		return err
	}
	readers, closeAll, err := openReaders(cfg.FS, dir, names)
	if err != nil {
		return err
	}
	defer closeAll()
	d := newDecoder(readers...)
	var rec walpb.Record
	for {
		// The segment and offset a record starts at: decode may move on
		// to the next segment first.
		seg := len(d.segs)
		off := d.lastOffset()
		err := d.decode(&rec)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(d.segs) != seg {
			off = 0 // first record of the next segment
		}
		if rec.Type == CrcType {
			if err := checkCrcRecord(d, &rec); err != nil {
				return err
			}
		}
		if err := fn(RecordInfo{Segment: d.segs[0].name, Offset: off}, &rec); err != nil {
			return err
		}
	}
}
