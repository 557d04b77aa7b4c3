package alarm

import (
	"fmt"
	"sort"
	"sync"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// Backend is the part of the backend the store writes to.
type Backend interface {
	BatchTx() backend.BatchTx
}

type key struct {
	member uint64
	alarm  pb.AlarmType
}

// Store holds the active alarms. It is safe for concurrent use.
type Store struct {
	be     Backend
	mu     sync.Mutex
	active map[key]*pb.AlarmMember
}

// New creates the alarm bucket if needed and loads the alarms stored in it.
func New(be Backend) (*Store, error) {
	s := &Store{be: be}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Reload replaces the alarms in memory with those in the backend (after a
// snapshot from the leader replaced the backend file).
func (s *Store) Reload() error {
	active := make(map[key]*pb.AlarmMember)
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafeCreateBucket(backend.Alarm)
	err := tx.UnsafeForEach(backend.Alarm, func(k, _ []byte) error {
		m := &pb.AlarmMember{}
		if err := m.UnmarshalVT(k); err != nil {
			return fmt.Errorf("alarm: bad key %x: %w", k, err)
		}
		active[key{m.MemberID, m.Alarm}] = m
		return nil
	})
	tx.Unlock()
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.active = active
	s.mu.Unlock()
	return nil
}

// Activate raises alarm a for member id and returns it; an alarm already
// raised is returned as it was.
func (s *Store) Activate(id uint64, a pb.AlarmType) *pb.AlarmMember {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{id, a}
	if m, ok := s.active[k]; ok {
		return m
	}
	m := &pb.AlarmMember{MemberID: id, Alarm: a}
	s.put(m)
	s.active[k] = m
	return m
}

// Deactivate clears alarm a of member id and returns it (nil: not raised).
func (s *Store) Deactivate(id uint64, a pb.AlarmType) *pb.AlarmMember {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{id, a}
	m, ok := s.active[k]
	if !ok {
		return nil
	}
	s.delete(m)
	delete(s.active, k)
	return m
}

// Get lists the alarms of type a (NONE: all), ordered by type then member.
func (s *Store) Get(a pb.AlarmType) []*pb.AlarmMember {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ret []*pb.AlarmMember
	for k, m := range s.active {
		if a == pb.AlarmType_NONE || k.alarm == a {
			ret = append(ret, m)
		}
	}
	sort.Slice(ret, func(i, j int) bool {
		if ret[i].Alarm != ret[j].Alarm {
			return ret[i].Alarm < ret[j].Alarm
		}
		return ret[i].MemberID < ret[j].MemberID
	})
	return ret
}

// Active tells whether any member has alarm a raised.
func (s *Store) Active(a pb.AlarmType) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.active {
		if k.alarm == a {
			return true
		}
	}
	return false
}

func marshal(m *pb.AlarmMember) []byte {
	b, err := m.MarshalVT()
	if err != nil {
		panic(fmt.Sprintf("alarm: marshal %v: %v", m, err))
	}
	return b
}

func (s *Store) put(m *pb.AlarmMember) {
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafePut(backend.Alarm, marshal(m), nil)
	tx.Unlock()
}

func (s *Store) delete(m *pb.AlarmMember) {
	tx := s.be.BatchTx()
	tx.Lock()
	tx.UnsafeDelete(backend.Alarm, marshal(m))
	tx.Unlock()
}
