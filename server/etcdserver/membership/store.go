package membership

import (
	"encoding/json"
	"sort"
	"sync"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// Store keeps the members in memory and in the backend's members bucket
// (key: hex ID, value: member JSON, as etcd's).
type Store struct {
	be *backend.Backend
	mu sync.RWMutex
	m  map[uint64]*Member
}

// NewStore creates the membership buckets if needed and loads the members.
func NewStore(be *backend.Backend) *Store {
	s := &Store{be: be, m: map[uint64]*Member{}}
	tx := be.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Members)
	tx.UnsafeCreateBucket(backend.MembersRemoved)
	_ = tx.UnsafeForEach(backend.Members, func(k, v []byte) error {
		var m Member
		if json.Unmarshal(v, &m) == nil && m.ID != 0 {
			s.m[m.ID] = &m
		}
		return nil
	})
	tx.Unlock()
	return s
}

// Add records m (idempotent: an existing member keeps its attributes).
func (s *Store) Add(m *Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[m.ID]; ok {
		old.PeerURLs = m.PeerURLs
		old.IsLearner = m.IsLearner
		s.saveLocked(old)
		return
	}
	c := *m
	s.m[m.ID] = &c
	s.saveLocked(&c)
}

// SetAttributes records a member's name and client URLs.
func (s *Store) SetAttributes(id uint64, name string, clientURLs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.m[id]
	if !ok {
		return
	}
	m.Name, m.ClientURLs = name, clientURLs
	s.saveLocked(m)
}

func (s *Store) saveLocked(m *Member) {
	b, _ := json.Marshal(m)
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafePut(backend.Members, m.StoreKey(), b)
	tx.Unlock()
}

// Members returns a copy of the members, by ID.
func (s *Store) Members() []Member {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Member, 0, len(s.m))
	for _, m := range s.m {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
