package lease

import (
	"sort"
	"sync"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// Backend is what the Store writes to. The server passes a backend whose
// batch lock also records the consistent index of the entry being applied.
type Backend interface {
	BatchTx() backend.BatchTx
}

// TxnDelete deletes keys in one write transaction (one revision); End
// makes the deletes visible. mvcc.TxnWrite satisfies it.
type TxnDelete interface {
	DeleteRange(key, end []byte) (n, rev int64)
	End()
}

// RangeDeleter begins a TxnDelete.
type RangeDeleter func() TxnDelete

// Observer hears about applied changes (the Primary is one). It is called
// without the Store's lock held.
type Observer interface {
	Granted(id, ttl, remaining int64)
	Revoked(id int64)
	Checkpointed(id, remaining int64)
}

// Lease is a snapshot of one lease.
type Lease struct {
	ID  int64
	TTL int64
	// RemainingTTL is the last checkpointed remaining TTL (0: unset, the
	// full TTL applies).
	RemainingTTL int64
	Keys         []string
}

// EffectiveTTL is the TTL a new primary counts from: the checkpointed
// remaining TTL when set, else the granted TTL.
func (l *Lease) EffectiveTTL() int64 {
	if l.RemainingTTL > 0 {
		return l.RemainingTTL
	}
	return l.TTL
}

type lease struct {
	id, ttl, remaining int64
	keys               map[string]struct{}
	// revokec is closed when the lease is revoked.
	revokec chan struct{}
}

// StoreConfig configures a Store.
type StoreConfig struct {
	Backend Backend
	// MinTTL is the smallest TTL a lease gets, in seconds.
	MinTTL int64
	Logger *zap.Logger
	// Metrics counts grants and revocations (nil: not exported).
	Metrics *Metrics
}

// Store is the replicated lease state. Every method that changes it is
// called by the apply loop, in log order.
type Store struct {
	be     Backend
	minTTL int64
	lg     *zap.Logger
	m      *Metrics

	mu     sync.RWMutex
	leases map[int64]*lease
	items  map[string]int64
	rd     RangeDeleter
	obs    Observer
}

// NewStore loads the leases of the backend's lease bucket. Keys are
// attached later, when the KV store is opened with this Store as its
// lessor.
func NewStore(cfg StoreConfig) *Store {
	s := &Store{be: cfg.Backend, minTTL: cfg.MinTTL, lg: cfg.Logger, m: cfg.Metrics}
	if s.lg == nil {
		s.lg = zap.NewNop()
	}
	if s.m == nil {
		s.m = NewMetrics(nil)
	}
	s.load()
	return s
}

func (s *Store) load() {
	s.leases = make(map[int64]*lease)
	s.items = make(map[string]int64)
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Lease)
	var recs []record
	_ = tx.UnsafeForEach(backend.Lease, func(k, v []byte) error {
		r, err := decodeRecord(v)
		if err != nil {
			s.lg.Panic("failed to decode lease", zap.Error(err))
		}
		recs = append(recs, r)
		return nil
	})
	tx.Unlock()
	for _, r := range recs {
		ttl := max(r.TTL, s.minTTL)
		s.leases[r.ID] = &lease{id: r.ID, ttl: ttl, remaining: r.RemainingTTL, keys: map[string]struct{}{}, revokec: make(chan struct{})}
	}
}

// SetRangeDeleter sets how Revoke deletes the keys of a lease.
func (s *Store) SetRangeDeleter(rd RangeDeleter) {
	s.mu.Lock()
	s.rd = rd
	s.mu.Unlock()
}

// SetObserver sets who hears about applied changes.
func (s *Store) SetObserver(o Observer) {
	s.mu.Lock()
	s.obs = o
	s.mu.Unlock()
}

// MinTTL is the smallest TTL granted.
func (s *Store) MinTTL() int64 { return s.minTTL }

// Grant creates lease id with ttl seconds (raised to the minimum TTL) and
// returns the TTL granted.
func (s *Store) Grant(id, ttl int64) (int64, error) {
	if id == NoLease {
		return 0, ErrLeaseNotFound
	}
	if ttl > MaxLeaseTTL {
		return 0, ErrLeaseTTLTooLarge
	}
	s.mu.Lock()
	if _, ok := s.leases[id]; ok {
		s.mu.Unlock()
		return 0, ErrLeaseExists
	}
	l := &lease{id: id, ttl: max(ttl, s.minTTL), keys: map[string]struct{}{}, revokec: make(chan struct{})}
	s.leases[id] = l
	obs := s.obs
	s.mu.Unlock()
	// Only the apply loop changes leases, so persisting outside the lock
	// is safe; it keeps the lock order batch lock -> s.mu everywhere.
	s.persist(record{ID: id, TTL: l.ttl})
	s.m.Granted.Inc()
	s.m.TTLs.Observe(float64(l.ttl))
	if obs != nil {
		obs.Granted(id, l.ttl, 0)
	}
	return l.ttl, nil
}

// Revoke deletes the keys of lease id, in key order and in one
// transaction, and the lease with them.
func (s *Store) Revoke(id int64) error {
	s.mu.Lock()
	l := s.leases[id]
	if l == nil {
		s.mu.Unlock()
		return ErrLeaseNotFound
	}
	keys := make([]string, 0, len(l.keys))
	for k := range l.keys {
		keys = append(keys, k)
	}
	rd, obs := s.rd, s.obs
	s.mu.Unlock()
	sort.Strings(keys)

	var txn TxnDelete
	if rd != nil {
		txn = rd()
		for _, k := range keys {
			txn.DeleteRange([]byte(k), nil)
		}
	}
	s.mu.Lock()
	delete(s.leases, id)
	for _, k := range keys {
		if s.items[k] == id {
			delete(s.items, k)
		}
	}
	// The lease goes in the same backend transaction as its keys.
	if txn != nil {
		s.be.BatchTx().UnsafeDelete(backend.Lease, idKey(id))
	} else {
		tx := s.be.BatchTx()
		tx.Lock()
		tx.UnsafeDelete(backend.Lease, idKey(id))
		tx.Unlock()
	}
	close(l.revokec)
	s.mu.Unlock()
	if txn != nil {
		txn.End()
	}
	s.m.Revoked.Inc()
	if obs != nil {
		obs.Revoked(id)
	}
	return nil
}

// Checkpoint records the remaining TTL of lease id (0 clears it). An
// unknown lease is ignored, as etcd does.
func (s *Store) Checkpoint(id, remaining int64) error {
	s.mu.Lock()
	l := s.leases[id]
	if l == nil {
		s.mu.Unlock()
		return nil
	}
	l.remaining = remaining
	rec := record{ID: id, TTL: l.ttl, RemainingTTL: remaining}
	obs := s.obs
	s.mu.Unlock()
	s.persist(rec)
	if obs != nil {
		obs.Checkpointed(id, remaining)
	}
	return nil
}

func (s *Store) persist(r record) {
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafePut(backend.Lease, idKey(r.ID), encodeRecord(r))
	tx.Unlock()
}

// Exists reports whether lease id is granted.
func (s *Store) Exists(id int64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.leases[id] != nil
}

// Attach attaches key to lease id.
func (s *Store) Attach(id int64, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.leases[id]
	if l == nil {
		return ErrLeaseNotFound
	}
	l.keys[key] = struct{}{}
	s.items[key] = id
	return nil
}

// Detach detaches key from lease id.
func (s *Store) Detach(id int64, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.leases[id]
	if l == nil {
		return ErrLeaseNotFound
	}
	delete(l.keys, key)
	delete(s.items, key)
	return nil
}

// GetLease is the lease key is attached to, or NoLease.
func (s *Store) GetLease(key string) int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.items[key]
}

// Lookup returns lease id with its keys (sorted), or nil.
func (s *Store) Lookup(id int64) *Lease {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.leases[id]
	if l == nil {
		return nil
	}
	return snapshot(l, true)
}

// TTLs returns lease id's granted TTL and checkpointed remaining TTL,
// without copying its keys as Lookup does; ok is false if it does not
// exist.
func (s *Store) TTLs(id int64) (ttl, remaining int64, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.leases[id]
	if l == nil {
		return 0, 0, false
	}
	return l.ttl, l.remaining, true
}

func snapshot(l *lease, withKeys bool) *Lease {
	out := &Lease{ID: l.id, TTL: l.ttl, RemainingTTL: l.remaining}
	if withKeys {
		out.Keys = make([]string, 0, len(l.keys))
		for k := range l.keys {
			out.Keys = append(out.Keys, k)
		}
		sort.Strings(out.Keys)
	}
	return out
}

// Leases lists the leases by ID, without keys.
func (s *Store) Leases() []*Lease {
	s.mu.RLock()
	out := make([]*Lease, 0, len(s.leases))
	for _, l := range s.leases {
		out = append(out, snapshot(l, false))
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RevokeNotify returns a channel closed when lease id is revoked (nil if
// it does not exist).
func (s *Store) RevokeNotify(id int64) <-chan struct{} {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if l := s.leases[id]; l != nil {
		return l.revokec
	}
	return nil
}

// Recover reloads the leases from the backend, after the backend was
// replaced by a snapshot's; keys are attached again by the KV store.
func (s *Store) Recover(be Backend) {
	s.mu.Lock()
	s.be = be
	old := s.leases
	s.load()
	for id, l := range old {
		if _, ok := s.leases[id]; !ok {
			close(l.revokec)
		}
	}
	s.mu.Unlock()
}
