package etcdserver

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
	"github.com/etcdgo/etcd/server/v3/etcdserver/quota"
)

// DBSize is the backend file size.
func (s *EtcdServer) DBSize() int64 { return s.be.Size() }

// DBSizeInUse is the part of the backend file in use.
func (s *EtcdServer) DBSizeInUse() int64 { return s.be.SizeInUse() }

// QuotaBackendBytes is the backend quota: the configured one, or etcd's
// default (2 GiB) when unset; negative disables the quota.
func (s *EtcdServer) QuotaBackendBytes() int64 {
	if s.cfg.QuotaBackendBytes == 0 {
		return quota.DefaultBytes
	}
	return s.cfg.QuotaBackendBytes
}

// HashKV hashes the key space up to rev (0: current).
func (s *EtcdServer) HashKV(ctx context.Context, rev int64) (*pb.HashKVResponse, error) {
	h, cur, err := s.kv.HashByRev(rev)
	if err != nil {
		return nil, err
	}
	return &pb.HashKVResponse{Header: &pb.ResponseHeader{Revision: cur}, Hash: h.Hash, CompactRevision: h.CompactRevision, HashRevision: h.Revision}, nil
}

// Hash hashes the whole backend, skipping the keys members differ on.
func (s *EtcdServer) Hash(ctx context.Context) (*pb.HashResponse, error) {
	h, rev, err := s.kv.Hash(backend.DefaultHashIgnores)
	if err != nil {
		return nil, err
	}
	return &pb.HashResponse{Header: &pb.ResponseHeader{Revision: rev}, Hash: h}, nil
}

// Defragment rewrites this member's backend file compactly. The backend
// holds its write lock throughout, so the apply loop, reads and snapshots
// wait for it, as in etcd; a snapshot install (which swaps the file too)
// is serialized with it by the same lock.
func (s *EtcdServer) Defragment() error { return s.be.Defrag() }

// OpenSnapshot opens a consistent copy of the backend file, to stream to a
// client; the caller closes it.
func (s *EtcdServer) OpenSnapshot() (*backend.Snapshot, error) { return s.be.OpenSnapshot() }
