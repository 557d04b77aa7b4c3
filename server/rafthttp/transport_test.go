package rafthttp

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

type fakeRaft struct {
	mu          sync.Mutex
	got         chan *raftpb.Message
	removed     map[uint64]bool
	unreachable int
	snaps       []raft.SnapshotStatus
}

func newFakeRaft() *fakeRaft {
	return &fakeRaft{got: make(chan *raftpb.Message, 100), removed: map[uint64]bool{}}
}

func (f *fakeRaft) Process(ctx context.Context, m *raftpb.Message) error {
	f.got <- m
	return nil
}

func (f *fakeRaft) IsIDRemoved(id uint64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.removed[id]
}
func (f *fakeRaft) ReportUnreachable(uint64) { f.mu.Lock(); f.unreachable++; f.mu.Unlock() }
func (f *fakeRaft) ReportSnapshot(id uint64, st raft.SnapshotStatus) {
	f.mu.Lock()
	f.snaps = append(f.snaps, st)
	f.mu.Unlock()
}

type memSaver struct {
	mu  sync.Mutex
	dbs map[uint64][]byte
}

func (m *memSaver) SaveDBFrom(r io.Reader, index uint64) (int64, error) {
	b, err := io.ReadAll(r)
	m.mu.Lock()
	m.dbs[index] = b
	m.mu.Unlock()
	return int64(len(b)), err
}

type node struct {
	tr   *Transport
	raft *fakeRaft
	snap *memSaver
	srv  *httptest.Server
}

func newNode(t *testing.T, id, cid uint64, db []byte) *node {
	n := &node{raft: newFakeRaft(), snap: &memSaver{dbs: map[uint64][]byte{}}}
	n.tr = New(Config{ID: id, ClusterID: cid, Raft: n.raft, Snap: n.snap,
		DBSnapshot: func(w io.Writer) error { _, err := w.Write(db); return err }})
	n.srv = httptest.NewServer(n.tr.Handler())
	t.Cleanup(func() {
		n.tr.Close()
		n.srv.CloseClientConnections()
		n.srv.Close()
	})
	return n
}

func msg(typ raftpb.MessageType, from, to uint64) *raftpb.Message {
	return &raftpb.Message{Type: typ.Enum(), From: proto.Uint64(from), To: proto.Uint64(to), Term: proto.Uint64(1)}
}

func recv(t *testing.T, n *node) *raftpb.Message {
	t.Helper()
	select {
	case m := <-n.raft.got:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message received")
		return nil
	}
}

func TestStreamsDeliverBothKinds(t *testing.T) {
	a, b := newNode(t, 1, 7, nil), newNode(t, 2, 7, nil)
	a.tr.AddPeer(2, []string{b.srv.URL})
	tests := []raftpb.MessageType{raftpb.MsgHeartbeat, raftpb.MsgApp, raftpb.MsgVote, raftpb.MsgProp}
	for _, typ := range tests {
		t.Run(typ.String(), func(t *testing.T) {
			a.tr.Send([]*raftpb.Message{msg(typ, 1, 2)})
			if m := recv(t, b); m.GetType() != typ || m.GetFrom() != 1 {
				t.Fatalf("got %v from %d", m.GetType(), m.GetFrom())
			}
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.tr.ActiveSince(2).IsZero() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if a.tr.ActiveSince(2).IsZero() {
		t.Fatal("peer not active")
	}
}

func TestSnapshotCarriesDatabase(t *testing.T) {
	db := bytes.Repeat([]byte("bolt"), 100000)
	a, b := newNode(t, 1, 7, db), newNode(t, 2, 7, nil)
	a.tr.AddPeer(2, []string{b.srv.URL})
	m := msg(raftpb.MsgSnap, 1, 2)
	m.Snapshot = &raftpb.Snapshot{Metadata: &raftpb.SnapshotMetadata{Index: proto.Uint64(42), Term: proto.Uint64(1)}}
	a.tr.Send([]*raftpb.Message{m})
	got := recv(t, b)
	if got.GetType() != raftpb.MsgSnap || got.GetSnapshot().GetMetadata().GetIndex() != 42 {
		t.Fatalf("got %v", got)
	}
	b.snap.mu.Lock()
	saved := b.snap.dbs[42]
	b.snap.mu.Unlock()
	if !bytes.Equal(saved, db) {
		t.Fatalf("saved %d bytes, want %d", len(saved), len(db))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.raft.mu.Lock()
		n := len(a.raft.snaps)
		a.raft.mu.Unlock()
		if n == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.raft.mu.Lock()
	defer a.raft.mu.Unlock()
	if len(a.raft.snaps) != 1 || a.raft.snaps[0] != raft.SnapshotFinish {
		t.Fatalf("snapshot reports %v", a.raft.snaps)
	}
}

func TestRefusals(t *testing.T) {
	b := newNode(t, 2, 7, nil)
	b.raft.removed[3] = true
	tests := []struct {
		name          string
		cid, from, to string
		upgrade       string
		want          int
	}{
		{"other cluster", "8", "1", "2", streamProtocol, http.StatusPreconditionFailed},
		{"other member", "7", "1", "5", streamProtocol, http.StatusPreconditionFailed},
		{"removed member", "7", "3", "2", streamProtocol, http.StatusGone},
		{"no upgrade", "7", "1", "2", "", http.StatusUpgradeRequired},
		{"ok", "7", "1", "2", streamProtocol, http.StatusSwitchingProtocols},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/raft/stream/message", bytes.NewReader(nil))
			req.Header.Set(hdrClusterID, tt.cid)
			req.Header.Set(hdrFrom, tt.from)
			req.Header.Set(hdrTo, tt.to)
			if tt.upgrade != "" {
				req.Header.Set("Connection", "Upgrade")
				req.Header.Set("Upgrade", tt.upgrade)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestRemovedSenderStops(t *testing.T) {
	b := newNode(t, 2, 7, nil)
	b.raft.removed[1] = true
	stopped := make(chan struct{})
	a := New(Config{ID: 1, ClusterID: 7, Raft: newFakeRaft(), Snap: &memSaver{}, OnRemoved: func() { close(stopped) }})
	defer a.Close()
	a.AddPeer(2, []string{b.srv.URL})
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("OnRemoved not called")
	}
}

func TestCloseIdempotent(t *testing.T) {
	a := New(Config{ID: 1, ClusterID: 7, Raft: newFakeRaft()})
	a.AddPeer(2, []string{"http://127.0.0.1:1"})
	a.Close()
	a.Close()
}
