package etcdserver

import (
	"fmt"
	"slices"
	"testing"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"
)

func TestSplitAfterAppend(t *testing.T) {
	m := func(tp raftpb.MessageType) *raftpb.Message { return &raftpb.Message{Type: tp.Enum()} }
	types := func(ms []*raftpb.Message) []raftpb.MessageType {
		var out []raftpb.MessageType
		for _, x := range ms {
			out = append(out, x.GetType())
		}
		return out
	}
	tests := []struct {
		name         string
		in           []*raftpb.Message
		early, after []raftpb.MessageType
	}{
		{"none", nil, nil, nil},
		{"appends and heartbeats leave early", []*raftpb.Message{m(raftpb.MsgApp), m(raftpb.MsgHeartbeat), m(raftpb.MsgSnap)},
			[]raftpb.MessageType{raftpb.MsgApp, raftpb.MsgHeartbeat, raftpb.MsgSnap}, nil},
		{"responses wait for the disk", []*raftpb.Message{m(raftpb.MsgApp), m(raftpb.MsgVoteResp), m(raftpb.MsgHeartbeat), m(raftpb.MsgPreVoteResp), m(raftpb.MsgAppResp)},
			[]raftpb.MessageType{raftpb.MsgApp, raftpb.MsgHeartbeat}, []raftpb.MessageType{raftpb.MsgVoteResp, raftpb.MsgPreVoteResp, raftpb.MsgAppResp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			early, after := splitAfterAppend(tt.in)
			if got := types(early); !slices.Equal(got, tt.early) {
				t.Errorf("early = %v, want %v", got, tt.early)
			}
			if got := types(after); !slices.Equal(got, tt.after) {
				t.Errorf("after = %v, want %v", got, tt.after)
			}
		})
	}
}

// TestProposeDropsAbandoned checks what the raft loop does with
// proposals: it proposes them, together and in order, while their clients
// wait, drops them once the clients have given up (their requests timed
// out waiting for a leader, say), and reports raft's refusal of each to
// the server.
func TestProposeDropsAbandoned(t *testing.T) {
	tests := []struct {
		name    string
		leader  bool
		waiting func(uint64) bool
		// proposed: the entry reached raft's log; refused: the refusal
		// that was reported ("" for none).
		proposed bool
		refused  string
	}{
		{"waited for", true, func(uint64) bool { return true }, true, ""},
		{"nobody asks", true, nil, true, ""},
		{"abandoned", true, func(uint64) bool { return false }, false, ""},
		{"no leader", false, func(uint64) bool { return true }, false, raft.ErrProposalDropped.Error()},
		{"abandoned without a leader", false, func(uint64) bool { return false }, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			voters := []uint64{1, 2}
			if tt.leader {
				voters = []uint64{1}
			}
			st := raft.NewMemoryStorage()
			if err := st.ApplySnapshot(&raftpb.Snapshot{Metadata: &raftpb.SnapshotMetadata{Index: proto.Uint64(1), Term: proto.Uint64(1), ConfState: &raftpb.ConfState{Voters: voters}}}); err != nil {
				t.Fatal(err)
			}
			rn, err := raft.NewRawNode(&raft.Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1, Storage: st, MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 16, Logger: raftLogger{zap.NewNop().Sugar()}})
			if err != nil {
				t.Fatal(err)
			}
			if tt.leader {
				if err := rn.Campaign(); err != nil {
					t.Fatal(err)
				}
			}
			drain := func() (datas []string) {
				for rn.HasReady() {
					rd := rn.Ready()
					for _, e := range rd.Entries {
						if len(e.GetData()) > 0 {
							datas = append(datas, string(e.GetData()))
						}
					}
					if err := st.Append(rd.Entries); err != nil {
						t.Fatal(err)
					}
					rn.Advance(rd)
				}
				return datas
			}
			drain()
			var refused []string
			r := &raftNode{id: 1, rn: rn, waiting: tt.waiting, refused: func(id uint64, err error) {
				refused = append(refused, fmt.Sprintf("%d: %v", id, err))
			}}
			r.propose(proposal{data: []byte("put"), id: 7})
			r.propose(proposal{data: []byte("txn"), id: 8})
			r.flushProposals()
			if got := slices.Equal(drain(), []string{"put", "txn"}); got != tt.proposed {
				t.Errorf("proposed = %v, want %v", got, tt.proposed)
			}
			want := []string(nil)
			if tt.refused != "" {
				want = []string{"7: " + tt.refused, "8: " + tt.refused}
			}
			if !slices.Equal(refused, want) {
				t.Errorf("refused %q, want %q", refused, want)
			}
		})
	}
}
