package membership

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

func newTestStore(t *testing.T) *Store {
	be, err := backend.Open(backend.Config{Path: filepath.Join(t.TempDir(), "db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { be.Close() })
	s := NewStore(be)
	s.Add(&Member{ID: 1, PeerURLs: []string{"http://a:2380"}, Name: "a"})
	s.Add(&Member{ID: 2, PeerURLs: []string{"http://b:2380"}, Name: "b"})
	s.Add(&Member{ID: 3, PeerURLs: []string{"http://c:2380"}, IsLearner: true})
	s.Remove(9)
	return s
}

func cc(typ raftpb.ConfChangeType, id uint64, ctx any) *raftpb.ConfChange {
	b, _ := json.Marshal(ctx)
	return &raftpb.ConfChange{Type: typ.Enum(), NodeId: proto.Uint64(id), Context: b}
}

func TestValidate(t *testing.T) {
	s := newTestStore(t)
	tests := []struct {
		name string
		cc   *raftpb.ConfChange
		want error
	}{
		{"add new", cc(raftpb.ConfChangeAddNode, 4, ConfigChangeContext{Member: Member{ID: 4, PeerURLs: []string{"http://d:2380"}}}), nil},
		{"add existing ID", cc(raftpb.ConfChangeAddNode, 2, ConfigChangeContext{Member: Member{ID: 2, PeerURLs: []string{"http://d:2380"}}}), ErrIDExists},
		{"add removed ID", cc(raftpb.ConfChangeAddNode, 9, ConfigChangeContext{Member: Member{ID: 9, PeerURLs: []string{"http://d:2380"}}}), ErrIDRemoved},
		{"add existing URL", cc(raftpb.ConfChangeAddNode, 4, ConfigChangeContext{Member: Member{ID: 4, PeerURLs: []string{"http://a:2380"}}}), ErrPeerURLexists},
		{"second learner", cc(raftpb.ConfChangeAddLearnerNode, 4, ConfigChangeContext{Member: Member{ID: 4, PeerURLs: []string{"http://d:2380"}, IsLearner: true}}), ErrTooManyLearners},
		{"promote learner", cc(raftpb.ConfChangeAddNode, 3, ConfigChangeContext{Member: Member{ID: 3}, IsPromote: true}), nil},
		{"promote voter", cc(raftpb.ConfChangeAddNode, 1, ConfigChangeContext{Member: Member{ID: 1}, IsPromote: true}), ErrMemberNotLearner},
		{"promote unknown", cc(raftpb.ConfChangeAddNode, 7, ConfigChangeContext{Member: Member{ID: 7}, IsPromote: true}), ErrIDNotFound},
		{"remove", cc(raftpb.ConfChangeRemoveNode, 2, nil), nil},
		{"remove unknown", cc(raftpb.ConfChangeRemoveNode, 7, nil), ErrIDNotFound},
		{"update", cc(raftpb.ConfChangeUpdateNode, 2, Member{ID: 2, PeerURLs: []string{"http://b2:2380"}}), nil},
		{"update to taken URL", cc(raftpb.ConfChangeUpdateNode, 2, Member{ID: 2, PeerURLs: []string{"http://a:2380"}}), ErrPeerURLexists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Validate(tt.cc, DefaultMaxLearners); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("Validate: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStoreBucketsAndReload(t *testing.T) {
	s := newTestStore(t)
	s.Promote(3)
	s.UpdatePeerURLs(2, []string{"http://b2:2380"})
	s.Remove(1)
	s.Reload()
	if s.Member(1) != nil || !s.IsRemoved(1) || !s.IsRemoved(9) {
		t.Fatal("removal not persisted")
	}
	if m := s.Member(3); m == nil || m.IsLearner {
		t.Fatalf("promotion not persisted: %+v", m)
	}
	if m := s.Member(2); m == nil || m.PeerURLs[0] != "http://b2:2380" || m.Name != "b" {
		t.Fatalf("update not persisted: %+v", m)
	}
	// etcd's formats: members/<hex id> = member JSON, members_removed/<hex id> = "removed".
	tx := s.be.BatchTx()
	tx.Lock()
	defer tx.Unlock()
	if v := tx.UnsafeGet(backend.MembersRemoved, []byte("1")); string(v) != "removed" {
		t.Fatalf("members_removed value %q", v)
	}
	if v := tx.UnsafeGet(backend.Members, []byte("2")); string(v) != `{"id":2,"peerURLs":["http://b2:2380"],"name":"b"}` {
		t.Fatalf("members value %s", v)
	}
}

func TestReadiness(t *testing.T) {
	started := func(id uint64) Member { return Member{ID: id, Name: "n"} }
	idle := func(id uint64) Member { return Member{ID: id} }
	tests := []struct {
		name                  string
		voters                []Member
		add, remove2, promote bool
	}{
		{"all started", []Member{started(1), started(2), started(3)}, true, true, true},
		{"one of three started", []Member{started(1), idle(2), idle(3)}, false, false, false},
		{"single member", []Member{started(1)}, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadyToAddVoter(tt.voters); got != tt.add {
				t.Errorf("ReadyToAddVoter %v", got)
			}
			if got := ReadyToRemoveVoter(tt.voters, 2); got != tt.remove2 {
				t.Errorf("ReadyToRemoveVoter %v", got)
			}
			if got := ReadyToPromote(tt.voters); got != tt.promote {
				t.Errorf("ReadyToPromote %v", got)
			}
		})
	}
}
