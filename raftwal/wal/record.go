package wal

import (
	"hash/crc32"
)

// Record types, etcd's numbering.
const (
	MetadataType int64 = iota + 1
	EntryType
	StateType
	CrcType
	SnapshotType
)

// frameSizeBytes is the length word before each record.
const frameSizeBytes = 8

// minSectorSize is the unit in which a torn write leaves zeros.
const minSectorSize = 512

// castagnoli returns the CRC-32C table (the standard library caches it).
func castagnoli() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// encodeFrameSize returns the length word for a record of dataBytes and the
// zero padding that makes the frame 8-byte aligned.
func encodeFrameSize(dataBytes int) (lenField uint64, padBytes int) {
	lenField = uint64(dataBytes)
	padBytes = (8 - dataBytes%8) % 8
	if padBytes != 0 {
		lenField |= uint64(0x80|padBytes) << 56
	}
	return lenField, padBytes
}

// decodeFrameSize splits a length word into record and padding lengths.
func decodeFrameSize(lenField int64) (recBytes, padBytes int64) {
	recBytes = int64(uint64(lenField) &^ (uint64(0xff) << 56))
	if lenField < 0 {
		padBytes = int64((uint64(lenField) >> 56) & 0x7)
	}
	return recBytes, padBytes
}
