package mvcc

import (
	"hash"
	"hash/crc32"
	"sync"
	"time"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

const hashStorageMaxSize = 10

// KeyValueHash is the hash of the key bucket up to Revision, compacted at
// CompactRevision.
type KeyValueHash struct {
	Hash            uint32
	CompactRevision int64
	Revision        int64
}

// kvHasher is etcd's CRC-32C over the revisions of the key bucket: keys and
// values of revisions <= rev, and of revisions <= compactRev only those a
// compaction keeps, never a tombstone at compactRev.
type kvHasher struct {
	h          hash.Hash32
	compactRev int64
	rev        int64
	keep       map[Revision]struct{}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func newKVHasher(compactRev, rev int64, keep map[Revision]struct{}) *kvHasher {
	h := crc32.New(castagnoli)
	h.Write(backend.Key.Name)
	return &kvHasher{h: h, compactRev: compactRev, rev: rev, keep: keep}
}

func (k *kvHasher) write(key, val []byte) {
	r, tomb, err := ParseRevisionKey(key)
	if err != nil || r.Main > k.rev {
		return
	}
	if r.Main <= k.compactRev && len(k.keep) > 0 {
		if _, ok := k.keep[r]; !ok {
			return
		}
	}
	if r.Main == k.compactRev && tomb {
		return
	}
	k.h.Write(key)
	k.h.Write(val)
}

func (k *kvHasher) sum() KeyValueHash {
	return KeyValueHash{Hash: k.h.Sum32(), CompactRevision: k.compactRev, Revision: k.rev}
}

// HashByRev hashes every revision up to rev (0: current) as etcd does, so two
// stores with the same history give the same hash. It returns the hash, the
// current revision, and ErrCompacted/ErrFutureRev for revisions out of range.
func (s *Store) HashByRev(rev int64) (KeyValueHash, int64, error) {
	start := time.Now()
	s.mu.RLock()
	s.revMu.RLock()
	compactRev, currentRev := s.compactMainRev, s.currentRev
	s.revMu.RUnlock()
	if rev > 0 && rev < compactRev {
		s.mu.RUnlock()
		return KeyValueHash{}, 0, ErrCompacted
	}
	if rev > 0 && rev > currentRev {
		s.mu.RUnlock()
		return KeyValueHash{}, currentRev, ErrFutureRev
	}
	if rev == 0 {
		rev = currentRev
	}
	keep := s.idx.Keep(rev)
	tx := s.b.ConcurrentReadTx()
	s.mu.RUnlock()
	defer tx.RUnlock()
	h := newKVHasher(compactRev, rev, keep)
	err := tx.UnsafeForEach(backend.Key, func(k, v []byte) error {
		h.write(k, v)
		return nil
	})
	s.m.hashRevSec.Observe(time.Since(start).Seconds())
	return h.sum(), currentRev, err
}

// Hash hashes every bucket of the backend but the keys ignores selects
// (etcd's Maintenance.Hash), and returns the current revision with it.
func (s *Store) Hash(ignores func(bucket, key []byte) bool) (uint32, int64, error) {
	start := time.Now()
	s.mu.RLock()
	b := s.b
	s.mu.RUnlock()
	h, err := b.Hash(ignores)
	rev := s.Rev()
	s.m.hashSec.Observe(time.Since(start).Seconds())
	return h, rev, err
}

// Hashes returns the hashes computed by the latest compactions (newest last).
func (s *Store) Hashes() []KeyValueHash { return s.hashes.list() }

type hashStorage struct {
	mu     sync.Mutex
	hashes []KeyValueHash
}

func (h *hashStorage) store(kv KeyValueHash) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hashes = append(h.hashes, kv)
	if len(h.hashes) > hashStorageMaxSize {
		h.hashes = append([]KeyValueHash(nil), h.hashes[len(h.hashes)-hashStorageMaxSize:]...)
	}
}

func (h *hashStorage) list() []KeyValueHash {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]KeyValueHash(nil), h.hashes...)
}
