package wal

import (
	"errors"

	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// Errors of this package. Texts are etcd's where etcd has the same error.
var (
	ErrMetadataConflict = errors.New("wal: conflicting metadata found")
	ErrFileNotFound     = errors.New("wal: file not found")
	ErrCRCMismatch      = walpb.ErrCRCMismatch
	ErrSnapshotMismatch = errors.New("wal: snapshot mismatch")
	ErrSnapshotNotFound = errors.New("wal: snapshot not found")
	ErrSliceOutOfRange  = errors.New("wal: slice bounds out of range")
	ErrDecoderNotFound  = errors.New("wal: decoder not found")

	// ErrBadWALName reports a file name that is not a segment name.
	ErrBadWALName = errors.New("wal: bad wal name")
	// ErrBadSequence reports segments whose sequence numbers skip.
	ErrBadSequence = errors.New("wal: file sequence numbers do not increase continuously")
	// ErrUnknownRecordType reports a record of a type this WAL does not know.
	ErrUnknownRecordType = errors.New("wal: unexpected block type")
	// ErrCorruptPayload reports a record whose checksum matches but whose
	// payload does not decode.
	ErrCorruptPayload = errors.New("wal: corrupt record payload")
	// ErrReadOnly is returned by writes to a WAL opened with OpenForRead.
	ErrReadOnly = errors.New("wal: opened read-only")
	// ErrNotReadOut is returned by writes before ReadAll has run.
	ErrNotReadOut = errors.New("wal: records must be read out before appending")
	// ErrClosed is returned by calls after Close.
	ErrClosed = errors.New("wal: closed")
	// ErrFailed wraps the first write or sync error; after one, the WAL
	// refuses further writes because what reached the disk is unknown.
	ErrFailed = errors.New("wal: failed earlier write")
	// ErrRepairFailed is returned when Repair cannot fix the last segment.
	ErrRepairFailed = errors.New("wal: repair failed")
)
