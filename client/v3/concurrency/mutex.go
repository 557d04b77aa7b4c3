package concurrency

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	v3 "github.com/etcdgo/etcd/client/v3"
)

var (
	// ErrLocked is returned by TryLock when Mutex is already locked by another session.
	ErrLocked = errors.New("mutex: Locked by another session")
	// ErrSessionExpired is returned when the session's lease expired while waiting.
	ErrSessionExpired = errors.New("mutex: session is expired")
	// ErrLockReleased is returned by Unlock on a mutex not held.
	ErrLockReleased = errors.New("mutex: lock has already been released")
)

// Mutex implements the sync Locker interface with etcd: waiters queue by
// the create revision of their key; the lowest revision holds the lock.
type Mutex struct {
	s *Session

	pfx   string
	myKey string
	myRev int64
	hdr   *pb.ResponseHeader
}

// NewMutex creates a Mutex under the prefix pfx.
func NewMutex(s *Session, pfx string) *Mutex {
	return &Mutex{s: s, pfx: pfx + "/", myRev: -1}
}

// TryLock locks the mutex if not already locked by another session. If
// lock is held by another session, return immediately after attempting
// necessary cleanup. The ctx argument is used for the sending/receiving
// Txn RPC.
func (m *Mutex) TryLock(ctx context.Context) error {
	resp, err := m.tryAcquire(ctx)
	if err != nil {
		return err
	}
	if m.ownsLock(resp) {
		m.hdr = resp.Header
		return nil
	}
	// someone else holds it: withdraw our key
	if _, err := m.s.Client().Delete(ctx, m.myKey); err != nil {
		return err
	}
	m.released()
	return ErrLocked
}

// Lock locks the mutex with a cancelable context. If the context is
// canceled while trying to acquire the lock, the mutex tries to clean its
// stale lock entry.
func (m *Mutex) Lock(ctx context.Context) error {
	resp, err := m.tryAcquire(ctx)
	if err != nil {
		return err
	}
	if m.ownsLock(resp) {
		m.hdr = resp.Header
		return nil
	}
	client := m.s.Client()
	// wait for every key queued before ours to go away
	if _, err := waitDeletes(ctx, client, m.pfx, m.myRev-1); err != nil {
		_ = m.Unlock(client.Ctx())
		return err
	}
	// make sure the session is not expired, and our key still exists
	gresp, err := client.Get(ctx, m.myKey)
	if err != nil {
		_ = m.Unlock(client.Ctx())
		return err
	}
	if len(gresp.Kvs) == 0 {
		return ErrSessionExpired
	}
	m.hdr = gresp.Header
	return nil
}

// tryAcquire puts our key if absent and reads the current owner, in one
// transaction.
func (m *Mutex) tryAcquire(ctx context.Context) (*v3.TxnResponse, error) {
	s := m.s
	m.myKey = fmt.Sprintf("%s%x", m.pfx, s.Lease())
	absent := v3.Compare(v3.CreateRevision(m.myKey), "=", 0)
	put := v3.OpPut(m.myKey, "", v3.WithLease(s.Lease()))
	get := v3.OpGet(m.myKey)
	getOwner := v3.OpGet(m.pfx, v3.WithFirstCreate()...)
	resp, err := s.Client().Txn(ctx).If(absent).Then(put, getOwner).Else(get, getOwner).Commit()
	if err != nil {
		return nil, err
	}
	m.myRev = resp.Header.Revision
	if !resp.Succeeded {
		// our key already existed (same session): keep its revision
		m.myRev = resp.Responses[0].GetResponseRange().Kvs[0].CreateRevision
	}
	return resp, nil
}

func (m *Mutex) ownsLock(resp *v3.TxnResponse) bool {
	owner := resp.Responses[1].GetResponseRange().Kvs
	return len(owner) == 0 || owner[0].CreateRevision == m.myRev
}

func (m *Mutex) released() {
	m.myKey = "\x00"
	m.myRev = -1
}

// Unlock releases the lock.
func (m *Mutex) Unlock(ctx context.Context) error {
	if m.myKey == "" || m.myRev <= 0 || m.myKey == "\x00" {
		return ErrLockReleased
	}
	if !strings.HasPrefix(m.myKey, m.pfx) {
		return fmt.Errorf("invalid key %q, it should have prefix %q", m.myKey, m.pfx)
	}
	if _, err := m.s.Client().Delete(ctx, m.myKey); err != nil {
		return err
	}
	m.released()
	return nil
}

// IsOwner returns a comparison that holds while this mutex owns the lock.
func (m *Mutex) IsOwner() v3.Cmp {
	return v3.Compare(v3.CreateRevision(m.myKey), "=", m.myRev)
}

// Key returns the key of this mutex's waiter entry.
func (m *Mutex) Key() string { return m.myKey }

// Header is the response header received from etcd on acquiring the lock.
func (m *Mutex) Header() *pb.ResponseHeader { return m.hdr }

type lockerMutex struct{ *Mutex }

func (lm *lockerMutex) Lock() {
	client := lm.s.Client()
	if err := lm.Mutex.Lock(client.Ctx()); err != nil {
		panic(err)
	}
}

func (lm *lockerMutex) Unlock() {
	client := lm.s.Client()
	if err := lm.Mutex.Unlock(client.Ctx()); err != nil {
		panic(err)
	}
}

// NewLocker creates a sync.Locker backed by an etcd mutex.
func NewLocker(s *Session, pfx string) sync.Locker {
	return &lockerMutex{NewMutex(s, pfx)}
}
