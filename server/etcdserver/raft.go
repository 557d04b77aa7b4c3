package etcdserver

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/wal"
)

// Transport sends raft messages to peers. A single member has none; the
// cluster work plugs a real one in here.
type Transport interface {
	Send(msgs []*raftpb.Message)
}

type nopTransport struct{}

func (nopTransport) Send([]*raftpb.Message) {}

// proposal is one client write waiting to enter the raft log.
type proposal struct {
	data []byte
	// id is the request's ID in the server's wait registry.
	id uint64
}

// toApply is a batch of committed entries, in order, after an optional
// snapshot received from the leader.
type toApply struct {
	entries  []*raftpb.Entry
	snapshot *raftpb.Snapshot
}

// raftNode owns the RawNode: one goroutine ticks it, feeds it proposals,
// peer messages and read-index requests, persists each Ready to the WAL
// (fsync) — a follower before sending its messages, a leader while they
// travel — and hands committed entries to the apply loop. Everything that
// arrives while a Ready is being persisted is fed to raft before the next
// one is built, so one fsync covers many writes.
type raftNode struct {
	lg        *zap.Logger
	id        uint64
	rn        *raft.RawNode
	storage   *raft.MemoryStorage
	wal       *wal.WAL
	transport Transport
	tick      time.Duration

	propc chan proposal
	readc chan []byte
	recvc chan *raftpb.Message
	// callc runs functions on the RawNode inside the loop (conf changes,
	// reports from the transport, leader transfer, status).
	callc chan func(*raft.RawNode)
	// snaps persists snapshots received from the leader.
	snaps  snapStore
	applyc chan toApply
	// readStatec carries read states to the linearizer.
	readStatec chan raft.ReadState

	lead      atomic.Uint64
	term      atomic.Uint64
	committed atomic.Uint64

	confMu    sync.Mutex
	confState *raftpb.ConfState

	campaigned bool
	// isLeader follows the last SoftState: this member leads.
	isLeader bool
	// aloneOK tells whether the applied membership agrees that this
	// member is the only voter (nil: trust raft's configuration). While a
	// restarted member replays its log, raft's configuration is briefly
	// partial and must not make it campaign alone.
	aloneOK func() bool

	stopc chan struct{}
	donec chan struct{}
	// fatal is called when persisting fails; the server must stop.
	fatal func(error)
	// leaderChanges counts the leaders seen (nil: not counted).
	leaderChanges prometheus.Counter
	// waiting tells whether a proposal's client still waits for it: one
	// whose client gave up while it waited for a leader is dropped instead
	// of committing later (nil: all wait). refused is told of a proposal
	// raft refused (nil: nobody).
	waiting func(id uint64) bool
	refused func(id uint64, err error)
	// props are the proposals taken since the last Ready, stepped into
	// raft together (see flushProposals).
	props []proposal
}

func newRaftNode(lg *zap.Logger, id uint64, rn *raft.RawNode, st *raft.MemoryStorage, w *wal.WAL, tr Transport, tick time.Duration, cs *raftpb.ConfState) *raftNode {
	if tr == nil {
		tr = nopTransport{}
	}
	if cs == nil {
		cs = &raftpb.ConfState{}
	}
	r := &raftNode{
		lg: lg, id: id, rn: rn, storage: st, wal: w, transport: tr, tick: tick,
		propc:      make(chan proposal, 4096),
		readc:      make(chan []byte, 64),
		recvc:      make(chan *raftpb.Message, 4096),
		callc:      make(chan func(*raft.RawNode), 64),
		applyc:     make(chan toApply, 128),
		readStatec: make(chan raft.ReadState, 64),
		confState:  cs,
		stopc:      make(chan struct{}),
		donec:      make(chan struct{}),
	}
	st0 := rn.BasicStatus()
	r.term.Store(st0.GetTerm())
	r.committed.Store(st0.GetCommit())
	return r
}

// ConfState is the membership as last applied by raft.
func (r *raftNode) ConfState() *raftpb.ConfState {
	r.confMu.Lock()
	defer r.confMu.Unlock()
	return proto.Clone(r.confState).(*raftpb.ConfState)
}

func (r *raftNode) Lead() uint64      { return r.lead.Load() }
func (r *raftNode) Term() uint64      { return r.term.Load() }
func (r *raftNode) Committed() uint64 { return r.committed.Load() }

func (r *raftNode) run() {
	defer close(r.donec)
	ticker := time.NewTicker(r.tick)
	defer ticker.Stop()
	for {
		r.maybeCampaign()
		for r.rn.HasReady() {
			if !r.handleReady(r.rn.Ready()) {
				return
			}
		}
		// Without a leader proposals wait in propc (as raft.Node does)
		// instead of being dropped.
		propc := r.propc
		if r.lead.Load() == 0 {
			propc = nil
		}
		select {
		case <-ticker.C:
			r.rn.Tick()
		case p := <-propc:
			r.propose(p)
		case rctx := <-r.readc:
			r.rn.ReadIndex(rctx)
		case m := <-r.recvc:
			_ = r.rn.Step(m)
		case fn := <-r.callc:
			fn(r.rn)
		case <-r.stopc:
			return
		}
		r.drainPending()
	}
}

// maxDrain bounds the events taken in one pass of drainPending, so ticks
// and the Ready they produce are not starved under load.
const maxDrain = 4096

// drainPending feeds raft everything already waiting — peer messages,
// proposals, read requests, calls — before the next Ready is built, so
// that one Ready (one fsync) covers all of it: a follower receiving many
// appends persists them together, a leader collects many acknowledgments
// and proposals at once.
func (r *raftNode) drainPending() {
	for range maxDrain {
		propc := r.propc
		if r.lead.Load() == 0 {
			propc = nil
		}
		select {
		case m := <-r.recvc:
			_ = r.rn.Step(m)
		case p := <-propc:
			r.propose(p)
		case rctx := <-r.readc:
			r.rn.ReadIndex(rctx)
		case fn := <-r.callc:
			fn(r.rn)
		default:
			r.flushProposals()
			return
		}
	}
	r.flushProposals()
}

// propose takes a proposal for the next flushProposals, unless its client
// has given up on it.
func (r *raftNode) propose(p proposal) {
	if r.waiting != nil && !r.waiting(p.id) {
		return
	}
	r.props = append(r.props, p)
}

// flushProposals steps the proposals taken into raft as one message: one
// append to the log and, on a leader, one append message to each follower
// for all of them, instead of one each (raft clones every entry either
// way).
func (r *raftNode) flushProposals() {
	if len(r.props) == 0 {
		return
	}
	ents := make([]raftpb.Entry, len(r.props))
	ptrs := make([]*raftpb.Entry, len(r.props))
	for i, p := range r.props {
		ents[i].Data = p.data
		ptrs[i] = &ents[i]
	}
	err := r.rn.Step(&raftpb.Message{Type: raftpb.MsgProp.Enum(), From: proto.Uint64(r.id), Entries: ptrs})
	if err != nil && r.refused != nil {
		for _, p := range r.props {
			r.refused(p.id, err)
		}
	}
	clear(r.props)
	r.props = r.props[:0]
}

// maybeCampaign starts an election at once when this member is the only
// voter, instead of waiting out an election timeout.
func (r *raftNode) maybeCampaign() {
	if r.campaigned {
		return
	}
	cs := r.ConfState()
	if len(cs.Voters) == 1 && cs.Voters[0] == r.id && len(cs.VotersOutgoing) == 0 && (r.aloneOK == nil || r.aloneOK()) {
		// raft refuses while bootstrap conf changes are unapplied; try
		// again after the next Ready.
		if r.rn.HasReady() {
			return
		}
		_ = r.rn.Campaign()
		if r.rn.BasicStatus().RaftState != raft.StateFollower {
			r.campaigned = true
		}
	}
}

func (r *raftNode) handleReady(rd raft.Ready) bool {
	if rd.SoftState != nil {
		r.isLeader = rd.SoftState.RaftState == raft.StateLeader
		old := r.lead.Swap(rd.SoftState.Lead)
		if old != rd.SoftState.Lead {
			if rd.SoftState.Lead != 0 && r.leaderChanges != nil {
				r.leaderChanges.Inc()
			}
			r.lg.Info("raft leader changed", zap.String("local-member-id", idStr(r.id)),
				zap.String("new-leader-id", idStr(rd.SoftState.Lead)), zap.Uint64("term", r.rn.BasicStatus().GetTerm()))
		}
	}
	if rd.HardState != nil {
		r.term.Store(rd.HardState.GetTerm())
		r.committed.Store(rd.HardState.GetCommit())
	}
	// A leader sends before persisting, so that followers write the
	// same entries while it does (raft thesis §10.2.1). This is safe
	// because raft counts the leader's own acknowledgment only in
	// Advance, after the entries below are on disk. Responses that vouch
	// for this member's log or vote wait for the disk, whoever sends
	// them; a follower sends everything after persisting.
	after := rd.Messages
	if r.isLeader {
		var early []*raftpb.Message
		early, after = splitAfterAppend(rd.Messages)
		r.transport.Send(early)
	}
	if !raft.IsEmptySnap(rd.Snapshot) {
		if err := r.saveSnapshot(rd.Snapshot); err != nil {
			r.fatal(err)
			return false
		}
	}
	if err := r.wal.Save(rd.HardState, rd.Entries); err != nil {
		r.fatal(err)
		return false
	}
	if len(rd.Entries) > 0 {
		if err := r.storage.Append(rd.Entries); err != nil {
			r.fatal(err)
			return false
		}
	}
	if rd.HardState != nil {
		_ = r.storage.SetHardState(rd.HardState)
	}
	r.transport.Send(after)
	for _, rs := range rd.ReadStates {
		select {
		case r.readStatec <- rs:
		default:
			// The linearizer is gone or behind; it retries.
		}
	}
	if len(rd.CommittedEntries) > 0 || !raft.IsEmptySnap(rd.Snapshot) {
		ap := toApply{entries: rd.CommittedEntries}
		if !raft.IsEmptySnap(rd.Snapshot) {
			ap.snapshot = rd.Snapshot
		}
		if !r.sendApply(ap) {
			return false
		}
	}
	r.rn.Advance(rd)
	return true
}

func (r *raftNode) stop() {
	select {
	case <-r.stopc:
	default:
		close(r.stopc)
	}
	<-r.donec
}

// splitAfterAppend separates the messages that may leave before the Ready
// is persisted (appends, heartbeats, …) from those that must wait for it:
// append and vote responses, which raft queues as "after append" messages.
func splitAfterAppend(msgs []*raftpb.Message) (early, after []*raftpb.Message) {
	if !slices.ContainsFunc(msgs, afterAppend) {
		return msgs, nil // the usual case: nothing to hold back
	}
	for _, m := range msgs {
		if afterAppend(m) {
			after = append(after, m)
		} else {
			early = append(early, m)
		}
	}
	return early, after
}

func afterAppend(m *raftpb.Message) bool {
	switch m.GetType() {
	case raftpb.MsgAppResp, raftpb.MsgVoteResp, raftpb.MsgPreVoteResp:
		return true
	}
	return false
}
