package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/snap"
	"github.com/etcdgo/etcd/raftwal/v3/wal"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

type options struct {
	dataDir       string
	walDir        string
	startIndex    uint64
	startFromSnap bool
	preview       int
	records       bool
}

var recordTypeNames = map[int64]string{
	wal.MetadataType: "metadata",
	wal.EntryType:    "entry",
	wal.StateType:    "state",
	wal.CrcType:      "crc",
	wal.SnapshotType: "snapshot",
}

func dump(o options, out io.Writer) error {
	walDir := o.walDir
	if walDir == "" {
		walDir = filepath.Join(o.dataDir, "member", "wal")
	}
	if o.records {
		return dumpRecords(walDir, out, o.preview)
	}

	var start *walpb.Snapshot
	if o.startIndex > 0 {
		// ReadAll returns the entries after its start: include startIndex.
		start = &walpb.Snapshot{Index: o.startIndex - 1}
	}
	if o.startIndex == 0 && o.startFromSnap && o.dataDir != "" {
		fmt.Fprintln(out, "Snapshot:")
		s, err := loadSnapshot(o.dataDir, walDir)
		switch {
		case errors.Is(err, snap.ErrNoSnapshot):
			fmt.Fprintln(out, "empty")
		case err != nil:
			return err
		default:
			m := s.GetMetadata()
			fmt.Fprintf(out, "term=%d index=%d nodes=%v learners=%v data=%d bytes\n",
				m.GetTerm(), m.GetIndex(), m.GetConfState().GetVoters(), m.GetConfState().GetLearners(), len(s.GetData()))
			start = &walpb.Snapshot{Index: m.GetIndex(), Term: m.GetTerm()}
		}
	}
	if o.startIndex > 0 {
		fmt.Fprintf(out, "Start dumping log entries from index %d.\n", o.startIndex)
	} else {
		fmt.Fprintln(out, "Start dumping log entries from snapshot.")
	}

	w, err := wal.OpenForRead(wal.Config{}, walDir, start)
	if err != nil {
		return fmt.Errorf("open WAL: %w", err)
	}
	defer w.Close()
	md, st, ents, err := w.ReadAll()
	if err != nil && !(o.startIndex > 0 && errors.Is(err, wal.ErrSnapshotNotFound)) {
		return fmt.Errorf("read WAL: %w", err)
	}
	fmt.Fprintln(out, "WAL metadata:")
	fmt.Fprintf(out, "%sterm=%d commitIndex=%d vote=%d\n", formatMetadata(md), st.GetTerm(), st.GetCommit(), st.GetVote())
	fmt.Fprintln(out, "WAL entries:", len(ents))
	if len(ents) > 0 {
		fmt.Fprintf(out, "lastIndex=%d\n", ents[len(ents)-1].GetIndex())
	}
	tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "term\tindex\ttype\tsize\t data")
	counts := map[string]int{}
	for _, e := range ents {
		typ, desc := describeEntry(e, o.preview)
		counts[typ]++
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d\t %s\n", e.GetTerm(), e.GetIndex(), typ, len(e.GetData()), desc)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "Entry types (norm,conf,confv2) count is : (%d,%d,%d)\n", counts["norm"], counts["conf"], counts["confv2"])
	return nil
}

// loadSnapshot returns the newest snapshot that the WAL also records.
func loadSnapshot(dataDir, walDir string) (*raftpb.Snapshot, error) {
	walSnaps, err := wal.ValidSnapshotEntries(wal.Config{}, walDir)
	if err != nil {
		return nil, err
	}
	return snap.New(snap.Config{}, filepath.Join(dataDir, "member", "snap")).LoadNewestAvailable(walSnaps)
}

// formatMetadata decodes etcdserverpb.Metadata{uint64 NodeID = 1; uint64
// ClusterID = 2}, falling back to hex.
func formatMetadata(md []byte) string {
	var node, cluster uint64
	b := md
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || typ != protowire.VarintType {
			return fmt.Sprintf("metadata=%x ", md)
		}
		b = b[n:]
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return fmt.Sprintf("metadata=%x ", md)
		}
		b = b[n:]
		switch num {
		case 1:
			node = v
		case 2:
			cluster = v
		}
	}
	return fmt.Sprintf("nodeID=%x clusterID=%x ", node, cluster)
}

func describeEntry(e *raftpb.Entry, preview int) (typ, desc string) {
	switch e.GetType() {
	case raftpb.EntryConfChange:
		var cc raftpb.ConfChange
		if err := proto.Unmarshal(e.GetData(), &cc); err != nil {
			return "conf", "undecodable: " + err.Error()
		}
		return "conf", fmt.Sprintf("method=%s id=%x context=%d bytes", cc.GetType(), cc.GetNodeId(), len(cc.GetContext()))
	case raftpb.EntryConfChangeV2:
		var cc raftpb.ConfChangeV2
		if err := proto.Unmarshal(e.GetData(), &cc); err != nil {
			return "confv2", "undecodable: " + err.Error()
		}
		return "confv2", fmt.Sprintf("transition=%s changes=%v", cc.GetTransition(), cc.GetChanges())
	default:
		if len(e.GetData()) == 0 {
			return "norm", "(empty)"
		}
		return "norm", hexPreview(e.GetData(), preview)
	}
}

func hexPreview(b []byte, n int) string {
	if n <= 0 || len(b) <= n {
		return hex.EncodeToString(b)
	}
	return hex.EncodeToString(b[:n]) + "..."
}

func dumpRecords(walDir string, out io.Writer, preview int) error {
	tw := tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "segment\toffset\ttype\tcrc\tsize\tdata")
	err := wal.Records(wal.Config{}, walDir, func(info wal.RecordInfo, rec *walpb.Record) error {
		name := recordTypeNames[rec.Type]
		if name == "" {
			name = fmt.Sprintf("unknown(%d)", rec.Type)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%08x\t%d\t%s\n", info.Segment, info.Offset, name, rec.Crc, len(rec.Data), hexPreview(rec.Data, preview))
		return nil
	})
	if ferr := tw.Flush(); err == nil {
		err = ferr
	}
	return err
}
