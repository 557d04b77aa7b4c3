package v3rpc

import (
	"crypto/sha256"
	"errors"
	"io"
	"time"

	"github.com/dustin/go-humanize"
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
)

// snapshotChunkSize is the blob size of each SnapshotResponse but the last
// two, as etcd's (a multiple of the OS page size).
const snapshotChunkSize = 32 * 1024

// Snapshot streams this member's backend file as etcd does: blobs of
// snapshotChunkSize bytes, each with the bytes still to come after it in
// remaining_bytes, then one more response with remaining_bytes 0 whose blob
// is the sha256 of the whole file (etcdutl snapshot restore checks it). Every
// response carries the storage version.
func (m *maintenanceServer) Snapshot(r *pb.SnapshotRequest, srv pb.Maintenance_SnapshotServer) error {
	snap, err := m.s.OpenSnapshot()
	if err != nil {
		return togRPCError(err)
	}
	ver := StorageVersion
	pr, pw := io.Pipe()
	defer pr.Close()
	go func() {
		_, err := snap.WriteTo(pw)
		if cerr := snap.Close(); cerr != nil {
			m.lg.Warn("failed to close snapshot", zap.Error(cerr))
		}
		pw.CloseWithError(err) // nil: io.EOF for the reader
	}()

	total := snap.Size()
	size := humanize.Bytes(uint64(total))
	start := time.Now()
	m.lg.Info("sending database snapshot to client",
		zap.Int64("total-bytes", total),
		zap.String("size", size),
		zap.String("storage-version", ver),
	)
	h := sha256.New()
	for sent := int64(0); sent < total; {
		// Send may keep the message after it returns: a new buffer each time.
		buf := make([]byte, snapshotChunkSize)
		n, err := io.ReadFull(pr, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // shorter than its size
			}
			return togRPCError(err)
		}
		sent += int64(n)
		h.Write(buf[:n])
		resp := &pb.SnapshotResponse{RemainingBytes: uint64(total - sent), Blob: buf[:n], Version: ver}
		if err := srv.Send(resp); err != nil {
			return togRPCError(err)
		}
	}

	sum := h.Sum(nil)
	m.lg.Info("sending database sha256 checksum to client",
		zap.Int64("total-bytes", total),
		zap.Int("checksum-size", len(sum)),
	)
	if err := srv.Send(&pb.SnapshotResponse{RemainingBytes: 0, Blob: sum, Version: ver}); err != nil {
		return togRPCError(err)
	}
	m.lg.Info("successfully sent database snapshot to client",
		zap.Int64("total-bytes", total),
		zap.String("size", size),
		zap.Duration("took", time.Since(start)),
		zap.String("storage-version", ver),
	)
	return nil
}
