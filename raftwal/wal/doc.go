// Package wal is etcd's write-ahead log, written from scratch, reading and
// writing the same files.
//
// A WAL lives in a directory of segment files named
// "%016x-%016x.wal" (sequence, raft index of the first entry the segment
// may hold). Each segment is preallocated to 64,000,000 bytes (etcd's
// SegmentSizeBytes), created under a temporary name and renamed into place,
// with the directory fsynced. A segment is a stream of frames:
//
//	8-byte little-endian length word | walpb.Record | 0-7 zero pad bytes
//
// The lower 56 bits of the length word are the record length; when padding
// follows, the top bit is set and bits 56-58 hold the pad length, so every
// frame is 8-byte aligned and a length word is never torn. A zero length
// word marks the end of written data in the preallocated space.
//
// Records are typed metadata(1), entry(2), state(3), crc(4) and
// snapshot(5). Each record's crc is the CRC-32C (Castagnoli) of the data
// of every record before it and its own, chained across segments: each
// segment starts with a crc record carrying the running value, then the
// metadata and the latest raft HardState.
//
// Create makes a new WAL; Open opens one for appending at a snapshot
// position and OpenForRead for reading only. ReadAll must then read every
// record after the snapshot before Save or SaveSnapshot append to it. Save
// writes a batch of entries and a HardState with one write and at most one
// fdatasync. A torn last record (reported as io.ErrUnexpectedEOF) is cut
// off by Repair; a record whose checksum does not match data that was
// written completely is reported as ErrCRCMismatch and never accepted.
//
// All file access goes through a fileutil.FS from Config, so tests can
// inject faults and crashes.
package wal
