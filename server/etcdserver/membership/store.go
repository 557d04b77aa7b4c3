package membership

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// removedValue is the value etcd stores in the members_removed bucket.
var removedValue = []byte("removed")

// Store keeps the members in memory and in the backend's members bucket
// (key: hex ID, value: member JSON) and the IDs of removed members in the
// members_removed bucket (value "removed"), as etcd's.
type Store struct {
	be      *backend.Backend
	mu      sync.RWMutex
	m       map[uint64]*Member
	removed map[uint64]bool
}

// NewStore creates the membership buckets if needed and loads the members.
func NewStore(be *backend.Backend) *Store {
	s := &Store{be: be}
	s.Reload()
	return s
}

// Reload reads the members again from the backend (after its file was
// replaced by a snapshot).
func (s *Store) Reload() {
	m, removed := map[uint64]*Member{}, map[uint64]bool{}
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Members)
	tx.UnsafeCreateBucket(backend.MembersRemoved)
	_ = tx.UnsafeForEach(backend.Members, func(k, v []byte) error {
		var mb Member
		if json.Unmarshal(v, &mb) == nil && mb.ID != 0 {
			m[mb.ID] = &mb
		}
		return nil
	})
	_ = tx.UnsafeForEach(backend.MembersRemoved, func(k, v []byte) error {
		if id, err := strconv.ParseUint(string(k), 16, 64); err == nil {
			removed[id] = true
		}
		return nil
	})
	tx.Unlock()
	s.mu.Lock()
	s.m, s.removed = m, removed
	s.mu.Unlock()
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
	c := m.Clone()
	s.m[m.ID] = c
	s.saveLocked(c)
}

// Remove deletes member id and records it as removed.
func (s *Store) Remove(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
	s.removed[id] = true
	key := []byte(fmt.Sprintf("%x", id))
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafeDelete(backend.Members, key)
	tx.UnsafePut(backend.MembersRemoved, key, removedValue)
	tx.Unlock()
}

// UpdatePeerURLs sets the peer URLs of member id.
func (s *Store) UpdatePeerURLs(id uint64, urls []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.m[id]; ok {
		m.PeerURLs = append([]string(nil), urls...)
		s.saveLocked(m)
	}
}

// Promote makes learner id a voting member.
func (s *Store) Promote(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.m[id]; ok {
		m.IsLearner = false
		s.saveLocked(m)
	}
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
		out = append(out, *m.Clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Member returns a copy of member id, or nil.
func (s *Store) Member(id uint64) *Member {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if m, ok := s.m[id]; ok {
		return m.Clone()
	}
	return nil
}

// IsLearner tells whether id is a learner member (without the copy Member
// makes: it is asked on every request).
func (s *Store) IsLearner(id uint64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.m[id]
	return ok && m.IsLearner
}

// IsRemoved tells whether id was removed from the cluster.
func (s *Store) IsRemoved(id uint64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.removed[id]
}

// VotingMembers are the members that are not learners.
func (s *Store) VotingMembers() []Member {
	var out []Member
	for _, m := range s.Members() {
		if !m.IsLearner {
			out = append(out, m)
		}
	}
	return out
}
