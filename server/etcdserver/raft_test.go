package etcdserver

import (
	"slices"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
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
