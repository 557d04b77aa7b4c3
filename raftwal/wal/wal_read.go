package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// ReadAll reads every record after the snapshot the WAL was opened at and
// returns the metadata, the last HardState and the entries after the
// snapshot index. An entry whose index was written again later (raft
// overwrote an uncommitted tail) is replaced by the later one; entries
// above state.Commit may still be overwritten.
//
// Opened with Open, ReadAll must reach the end of the last segment: a torn
// last record gives an error wrapping io.ErrUnexpectedEOF (see Repair).
// Afterwards the WAL is ready to append, after the last good record, with
// the unwritten rest of the tail zeroed. Opened with OpenForRead, a torn
// last record just ends the read.
//
// If the snapshot record it was opened at is not found, ReadAll returns
// everything with ErrSnapshotNotFound.
func (w *WAL) ReadAll() (metadata []byte, state *raftpb.HardState, ents []*raftpb.Entry, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	state = &raftpb.HardState{}
	if w.decoder == nil {
		return nil, state, nil, ErrDecoderNotFound
	}
	d := w.decoder
	var (
		rec      walpb.Record
		match    bool
		stateRaw []byte
	)
	for err = d.decode(&rec); err == nil; err = d.decode(&rec) {
		switch rec.Type {
		case EntryType:
			e := &raftpb.Entry{}
			if uerr := proto.Unmarshal(rec.Data, e); uerr != nil {
				return nil, &raftpb.HardState{}, nil, fmt.Errorf("%w: entry: %w", ErrCorruptPayload, uerr)
			}
			if e.GetIndex() > w.start.GetIndex() {
				off := e.GetIndex() - w.start.GetIndex() - 1
				if off > uint64(len(ents)) {
					return nil, state, ents, fmt.Errorf("%w, snapshot[Index: %d, Term: %d], current entry[Index: %d, Term: %d], len(ents): %d",
						ErrSliceOutOfRange, w.start.GetIndex(), w.start.GetTerm(), e.GetIndex(), e.GetTerm(), len(ents))
				}
				ents = append(ents[:off], e)
			}
			w.enti = e.GetIndex()

		case StateType:
			st := &raftpb.HardState{}
			if uerr := proto.Unmarshal(rec.Data, st); uerr != nil {
				return nil, &raftpb.HardState{}, nil, fmt.Errorf("%w: hard state: %w", ErrCorruptPayload, uerr)
			}
			state = st
			stateRaw = append(stateRaw[:0], rec.Data...)

		case MetadataType:
			if metadata != nil && !bytes.Equal(metadata, rec.Data) {
				return nil, &raftpb.HardState{}, nil, ErrMetadataConflict
			}
			metadata = bytes.Clone(rec.Data)

		case CrcType:
			// Each segment opens with the running checksum; a fresh
			// decoder (crc 0) takes it as given.
			if crc := d.lastCRC(); crc != 0 && rec.Validate(crc) != nil {
				return nil, &raftpb.HardState{}, nil, ErrCRCMismatch
			}
			d.updateCRC(rec.Crc)

		case SnapshotType:
			var s walpb.Snapshot
			if uerr := s.Unmarshal(rec.Data); uerr != nil {
				return nil, &raftpb.HardState{}, nil, fmt.Errorf("%w: snapshot: %w", ErrCorruptPayload, uerr)
			}
			if s.Index == w.start.GetIndex() {
				if s.Term != w.start.GetTerm() {
					return nil, &raftpb.HardState{}, nil, ErrSnapshotMismatch
				}
				match = true
			}

		default:
			return nil, &raftpb.HardState{}, nil, fmt.Errorf("%w %d", ErrUnknownRecordType, rec.Type)
		}
	}

	if w.readOnly {
		// A reader need not reach the end: the last record may be torn.
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &raftpb.HardState{}, nil, err
		}
	} else {
		if !errors.Is(err, io.EOF) {
			return nil, &raftpb.HardState{}, nil, err
		}
		// Past the last good record there may be zeros followed by
		// pieces of a torn write; zero it all so that new records are
		// never followed by stale ones.
		if err := w.prepareTail(d.lastOffset()); err != nil {
			return nil, &raftpb.HardState{}, nil, err
		}
		w.enc = newEncoder(d.lastCRC())
		if stateRaw != nil {
			w.state = savedState{term: state.GetTerm(), vote: state.GetVote(), commit: state.GetCommit(), data: stateRaw}
		}
	}
	w.decoder = nil
	w.start = &walpb.Snapshot{}
	w.metadata = metadata

	err = nil
	if !match {
		err = ErrSnapshotNotFound
	}
	if w.readOnly {
		w.closeFiles()
	}
	return metadata, state, ents, err
}

// prepareTail zeroes the tail from off to its end, keeping its size, and
// positions it for appending at off.
func (w *WAL) prepareTail(off int64) error {
	t := w.tail()
	fi, err := t.f.Stat()
	if err != nil {
		return err
	}
	if err := t.f.Truncate(off); err != nil {
		return err
	}
	if err := t.f.Preallocate(fi.Size(), true); err != nil {
		return err
	}
	return w.seekTail(off)
}
