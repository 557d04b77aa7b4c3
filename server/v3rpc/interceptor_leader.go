package v3rpc

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc"
)

// maxNoLeaderTimeouts is how many election timeouts without a leader end
// the streams that require one (etcd's monitorLeader waits as long).
const maxNoLeaderTimeouts = 3

// leaderStream is a stream opened with "hasleader": its context is
// cancelled when the member loses its leader for long enough.
type leaderStream struct {
	grpc.ServerStream
	ctx    context.Context
	cancel context.CancelFunc
}

func (s *leaderStream) Context() context.Context { return s.ctx }

// leaderMonitor watches for a lost leader on behalf of the open streams
// that require one. Its goroutine runs only while such streams exist.
type leaderMonitor struct {
	s        Server
	interval time.Duration

	mu      sync.Mutex
	streams map[*leaderStream]struct{}
	running bool
}

func newLeaderMonitor(s Server, electionTimeout time.Duration) *leaderMonitor {
	if electionTimeout <= 0 {
		electionTimeout = time.Second
	}
	return &leaderMonitor{s: s, interval: electionTimeout, streams: map[*leaderStream]struct{}{}}
}

// add registers a stream and returns its wrapper and a function that
// unregisters it.
func (m *leaderMonitor) add(ss grpc.ServerStream) (*leaderStream, func()) {
	ctx, cancel := context.WithCancel(ss.Context())
	ls := &leaderStream{ServerStream: ss, ctx: ctx, cancel: cancel}
	m.mu.Lock()
	m.streams[ls] = struct{}{}
	if !m.running {
		m.running = true
		go m.run()
	}
	m.mu.Unlock()
	return ls, func() {
		m.mu.Lock()
		delete(m.streams, ls)
		m.mu.Unlock()
		cancel()
	}
}

// run checks for a leader every election timeout; after
// maxNoLeaderTimeouts checks in a row without one it cancels every
// registered stream. It returns when no stream is left.
func (m *leaderMonitor) run() {
	t := time.NewTicker(m.interval)
	defer t.Stop()
	misses := 0
	for range t.C {
		if m.s.Leader() == 0 {
			misses++
		} else {
			misses = 0
		}
		m.mu.Lock()
		if len(m.streams) == 0 {
			m.running = false
			m.mu.Unlock()
			return
		}
		if misses >= maxNoLeaderTimeouts {
			for ls := range m.streams {
				ls.cancel()
				delete(m.streams, ls)
			}
			misses = 0
		}
		m.mu.Unlock()
	}
}
