package wal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// openReaders opens names[first:] in dir read-only, without locks.
func openReaders(fs fileutil.FS, dir string, names []string) ([]segmentReader, func(), error) {
	var files []fileutil.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	readers := make([]segmentReader, 0, len(names))
	for _, name := range names {
		f, err := fs.OpenFile(filepath.Join(dir, name), os.O_RDONLY, fileutil.PrivateFileMode)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		files = append(files, f)
		fi, err := f.Stat()
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		readers = append(readers, newSegmentReader(f, fi.Size(), name))
	}
	return readers, closeAll, nil
}

// checkCrcRecord validates a crc record against the decoder and installs
// its value.
func checkCrcRecord(d *decoder, rec *walpb.Record) error {
	if crc := d.lastCRC(); crc != 0 && rec.Validate(crc) != nil {
		return ErrCRCMismatch
	}
	d.updateCRC(rec.Crc)
	return nil
}

// ValidSnapshotEntries returns the snapshot records in the WAL in dir whose
// index is at or below the last committed index in the WAL's HardState:
// those a snapshot file may safely be loaded for. It reads without locks.
func ValidSnapshotEntries(cfg Config, dir string) ([]*walpb.Snapshot, error) {
	cfg = cfg.withDefaults()
	names, err := segmentNames(cfg.Logger, cfg.FS, dir)
	if err != nil {
		return nil, err
	}
	readers, closeAll, err := openReaders(cfg.FS, dir, names)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	d := newDecoder(readers...)
	var (
		snaps  []*walpb.Snapshot
		commit uint64
		rec    walpb.Record
	)
	for err = d.decode(&rec); err == nil; err = d.decode(&rec) {
		switch rec.Type {
		case SnapshotType:
			s := &walpb.Snapshot{}
			if uerr := s.Unmarshal(rec.Data); uerr != nil {
				return nil, fmt.Errorf("%w: snapshot: %w", ErrCorruptPayload, uerr)
			}
			snaps = append(snaps, s)
		case StateType:
			var st raftpb.HardState
			if uerr := proto.Unmarshal(rec.Data, &st); uerr != nil {
				return nil, fmt.Errorf("%w: hard state: %w", ErrCorruptPayload, uerr)
			}
			commit = st.GetCommit()
		case CrcType:
			if err := checkCrcRecord(d, &rec); err != nil {
				return nil, err
			}
		}
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	n := 0
	for _, s := range snaps {
		if s.Index <= commit {
			snaps[n] = s
			n++
		}
	}
	return snaps[:n:n], nil
}

// Verify reads the WAL in dir from snap on, without locks, and checks that
// it is not corrupt and holds snap. It returns the last HardState.
func Verify(cfg Config, dir string, snap *walpb.Snapshot) (*raftpb.HardState, error) {
	cfg = cfg.withDefaults()
	names, first, err := selectSegments(cfg.Logger, cfg.FS, dir, snap.GetIndex())
	if err != nil {
		return nil, err
	}
	readers, closeAll, err := openReaders(cfg.FS, dir, names[first:])
	if err != nil {
		return nil, err
	}
	defer closeAll()
	d := newDecoder(readers...)
	var (
		metadata []byte
		match    bool
		rec      walpb.Record
	)
	state := &raftpb.HardState{}
	for err = d.decode(&rec); err == nil; err = d.decode(&rec) {
		switch rec.Type {
		case MetadataType:
			if metadata != nil && !bytes.Equal(metadata, rec.Data) {
				return nil, ErrMetadataConflict
			}
			metadata = bytes.Clone(rec.Data)
		case CrcType:
			if err := checkCrcRecord(d, &rec); err != nil {
				return nil, err
			}
		case SnapshotType:
			var s walpb.Snapshot
			if uerr := s.Unmarshal(rec.Data); uerr != nil {
				return nil, fmt.Errorf("%w: snapshot: %w", ErrCorruptPayload, uerr)
			}
			if s.Index == snap.GetIndex() {
				if s.Term != snap.GetTerm() {
					return nil, ErrSnapshotMismatch
				}
				match = true
			}
		case EntryType:
		case StateType:
			if uerr := proto.Unmarshal(rec.Data, state); uerr != nil {
				return nil, fmt.Errorf("%w: hard state: %w", ErrCorruptPayload, uerr)
			}
		default:
			return nil, fmt.Errorf("%w %d", ErrUnknownRecordType, rec.Type)
		}
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	if !match {
		return nil, ErrSnapshotNotFound
	}
	return state, nil
}

// Repair cuts a torn record off the end of the last segment in dir: it
// copies the segment to "<name>.broken", truncates it after the last good
// record and syncs it. It returns nil if the segment ends cleanly or was
// repaired, and an error wrapping ErrRepairFailed (and the cause) if the
// damage is anything but a torn tail, such as a checksum mismatch in
// complete data.
func Repair(cfg Config, dir string) error {
	cfg = cfg.withDefaults()
	lg, fs := cfg.Logger, cfg.FS
	names, err := segmentNames(lg, fs, dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRepairFailed, err)
	}
	path := filepath.Join(dir, names[len(names)-1])
	f, err := fs.LockFile(path, os.O_RDWR, fileutil.PrivateFileMode)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRepairFailed, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRepairFailed, err)
	}
	lg.Info("repairing", zap.String("path", path))
	d := newDecoder(newSegmentReader(f, fi.Size(), names[len(names)-1]))
	var rec walpb.Record
	for {
		lastOffset := d.lastOffset()
		err := d.decode(&rec)
		switch {
		case err == nil:
			if rec.Type == CrcType {
				if err := checkCrcRecord(d, &rec); err != nil {
					return fmt.Errorf("%w: %w", ErrRepairFailed, err)
				}
			}
		case errors.Is(err, io.EOF):
			lg.Info("repaired", zap.String("path", path), zap.Error(io.EOF))
			return nil
		case errors.Is(err, io.ErrUnexpectedEOF):
			if err := truncateBroken(fs, f, path, lastOffset); err != nil {
				lg.Warn("failed to repair", zap.String("path", path), zap.Error(err))
				return fmt.Errorf("%w: %w", ErrRepairFailed, err)
			}
			lg.Info("repaired", zap.String("path", path), zap.Error(io.ErrUnexpectedEOF))
			return nil
		default:
			lg.Warn("failed to repair", zap.String("path", path), zap.Error(err))
			return fmt.Errorf("%w: %w", ErrRepairFailed, err)
		}
	}
}

// truncateBroken saves a copy of f as path+".broken", then truncates f to
// off and syncs it.
func truncateBroken(fs fileutil.FS, f fileutil.File, path string, off int64) error {
	bf, err := fs.OpenFile(path+".broken", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileutil.PrivateFileMode)
	if err != nil {
		return err
	}
	defer bf.Close()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(bf, f); err != nil {
		return err
	}
	if err := f.Truncate(off); err != nil {
		return err
	}
	return f.Sync()
}
