package etcdserver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/snap"
	"github.com/etcdgo/etcd/raftwal/v3/wal"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
)

// raftState is what bootstrapping hands to the raft loop.
type raftState struct {
	id, cid  uint64
	wal      *wal.WAL
	storage  *raft.MemoryStorage
	snapshot *raftpb.Snapshot // nil when none
	peers    []raft.Peer      // set only for a new cluster
	members  []*membership.Member
}

// bootstrapRaft opens the WAL (replaying it on top of the newest snapshot)
// or, on first start, creates it with this member's and the cluster's IDs.
func bootstrapRaft(cfg *Config, lg *zap.Logger, snaps snapStore, wm wal.Metrics) (*raftState, error) {
	wcfg := wal.Config{Logger: lg, UnsafeNoFsync: cfg.UnsafeNoFsync, SegmentSizeBytes: cfg.WALSegmentSizeBytes, Metrics: wm}
	if wal.Exist(nil, cfg.walDir()) {
		return restartRaft(cfg, lg, wcfg, snaps)
	}
	if !cfg.NewCluster {
		return joinRaft(cfg, lg, wcfg)
	}
	return newRaft(cfg, lg, wcfg)
}

// joinRaft starts a member added with MemberAdd: the cluster ID and this
// member's ID come from the running cluster, which must list the same
// members (by peer URLs) as --initial-cluster. Raft starts empty and
// catches up from the leader.
func joinRaft(cfg *Config, lg *zap.Logger, wcfg wal.Config) (*raftState, error) {
	own := sortedCopy(cfg.PeerURLs)
	var urls []string
	for _, us := range cfg.InitialCluster {
		for _, u := range us {
			if !contains(own, u) {
				urls = append(urls, u)
			}
		}
	}
	sort.Strings(urls)
	remote, cid, err := fetchCluster(lg, urls, cfg.ReqTimeout())
	if err != nil {
		return nil, fmt.Errorf("cannot fetch cluster info from peer urls: %w", err)
	}
	if len(remote) != len(cfg.InitialCluster) {
		return nil, fmt.Errorf("error validating peerURLs %v: member count is unequal", remote)
	}
	st := &raftState{cid: cid, storage: raft.NewMemoryStorage(), members: remote}
	for _, local := range cfg.InitialCluster {
		lu := sortedCopy(local)
		var found *membership.Member
		for _, m := range remote {
			if strings.Join(sortedCopy(m.PeerURLs), ",") == strings.Join(lu, ",") {
				found = m
			}
		}
		if found == nil {
			return nil, fmt.Errorf("error validating peerURLs %v: unmatched member while checking PeerURLs", remote)
		}
		if strings.Join(lu, ",") == strings.Join(own, ",") {
			st.id = found.ID
		}
	}
	if st.id == 0 {
		return nil, fmt.Errorf("couldn't find local name %q in the initial cluster configuration", cfg.Name)
	}
	if st.wal, err = createWAL(cfg, wcfg, st.id, st.cid); err != nil {
		return nil, err
	}
	lg.Info("joining existing cluster", zap.String("local-member-id", idStr(st.id)), zap.String("cluster-id", idStr(cid)))
	return st, nil
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func newRaft(cfg *Config, lg *zap.Logger, wcfg wal.Config) (*raftState, error) {
	if _, ok := cfg.InitialCluster[cfg.Name]; !ok {
		return nil, fmt.Errorf("couldn't find local name %q in the initial cluster configuration", cfg.Name)
	}
	names := make([]string, 0, len(cfg.InitialCluster))
	for n := range cfg.InitialCluster {
		names = append(names, n)
	}
	sort.Strings(names)
	st := &raftState{storage: raft.NewMemoryStorage()}
	var ids []uint64
	for _, n := range names {
		m := &membership.Member{ID: membership.ComputeMemberID(cfg.InitialCluster[n], cfg.InitialToken, nil), PeerURLs: cfg.InitialCluster[n], Name: n}
		if n == cfg.Name {
			st.id = m.ID
		}
		ids = append(ids, m.ID)
		st.members = append(st.members, m)
	}
	st.cid = membership.ComputeClusterID(ids)
	for _, m := range st.members {
		st.peers = append(st.peers, raft.Peer{ID: m.ID, Context: m.ContextJSON()})
	}
	var err error
	if st.wal, err = createWAL(cfg, wcfg, st.id, st.cid); err != nil {
		return nil, err
	}
	return st, nil
}

func restartRaft(cfg *Config, lg *zap.Logger, wcfg wal.Config, snaps snapStore) (*raftState, error) {
	walSnaps, err := wal.ValidSnapshotEntries(wcfg, cfg.walDir())
	if err != nil {
		return nil, fmt.Errorf("failed to read WAL snapshot entries: %w", err)
	}
	sn, err := snaps.LoadNewestAvailable(walSnaps)
	if err != nil && !errors.Is(err, snap.ErrNoSnapshot) {
		return nil, err
	}
	if errors.Is(err, snap.ErrNoSnapshot) {
		sn = nil
	}
	ws := &walpb.Snapshot{}
	if sn != nil {
		ws = &walpb.Snapshot{Index: sn.GetMetadata().GetIndex(), Term: sn.GetMetadata().GetTerm(), ConfState: sn.GetMetadata().GetConfState()}
		lg.Info("recovered v3 backend from snapshot", zap.Uint64("snapshot-index", ws.Index))
	}
	w, md, hs, ents, err := openWAL(wcfg, cfg.walDir(), ws, lg)
	if err != nil {
		return nil, err
	}
	var meta pb.Metadata
	if err := proto.Unmarshal(md, &meta); err != nil {
		w.Close()
		return nil, fmt.Errorf("failed to read WAL metadata: %w", err)
	}
	st := &raftState{id: meta.GetNodeID(), cid: meta.GetClusterID(), wal: w, storage: raft.NewMemoryStorage(), snapshot: sn}
	if sn != nil {
		if err := st.storage.ApplySnapshot(sn); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := st.storage.SetHardState(hs); err != nil {
		w.Close()
		return nil, err
	}
	if err := st.storage.Append(ents); err != nil {
		w.Close()
		return nil, err
	}
	lg.Info("restarting local member", zap.String("local-member-id", idStr(st.id)),
		zap.String("cluster-id", idStr(st.cid)), zap.Uint64("commit-index", hs.GetCommit()))
	return st, nil
}

// openWAL opens and reads the WAL, repairing a torn tail once.
func openWAL(wcfg wal.Config, dir string, ws *walpb.Snapshot, lg *zap.Logger) (*wal.WAL, []byte, *raftpb.HardState, []*raftpb.Entry, error) {
	repaired := false
	for {
		w, err := wal.Open(wcfg, dir, ws)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("failed to open WAL: %w", err)
		}
		md, hs, ents, err := w.ReadAll()
		if err == nil {
			return w, md, hs, ents, nil
		}
		w.Close()
		if repaired || !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil, nil, nil, fmt.Errorf("failed to read WAL: %w", err)
		}
		lg.Warn("repairing WAL with a torn last record", zap.Error(err))
		if err := wal.Repair(wcfg, dir); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("failed to repair WAL: %w", err)
		}
		repaired = true
	}
}

// createWAL makes the snapshot directory and a new WAL whose metadata names
// this member and its cluster, as etcd's first start does.
func createWAL(cfg *Config, wcfg wal.Config, id, cid uint64) (*wal.WAL, error) {
	md, err := proto.Marshal(&pb.Metadata{NodeID: proto.Uint64(id), ClusterID: proto.Uint64(cid)})
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.snapDir(), 0o700); err != nil {
		return nil, err
	}
	w, err := wal.Create(wcfg, cfg.walDir(), md)
	if err != nil {
		return nil, fmt.Errorf("failed to create WAL: %w", err)
	}
	return w, nil
}
