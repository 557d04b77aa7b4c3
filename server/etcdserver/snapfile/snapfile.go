package snapfile

import (
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/raftwal/v3/snappb"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

// ErrNoSnapshot means no usable snapshot file was found.
var ErrNoSnapshot = errors.New("snap: no available snapshot")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Store is what the server needs from snapshot files.
type Store interface {
	SaveSnap(s *raftpb.Snapshot) error
	// LoadNewestAvailable returns the newest snapshot matching one of the
	// WAL's snapshot records.
	LoadNewestAvailable(walSnaps []*walpb.Snapshot) (*raftpb.Snapshot, error)
}

// Dir is a Store in a directory.
type Dir string

func fileName(term, index uint64) string { return fmt.Sprintf("%016x-%016x.snap", term, index) }

// SaveSnap writes s durably (temp file, fsync, rename, dir fsync).
func (d Dir) SaveSnap(s *raftpb.Snapshot) error {
	if s.GetMetadata().GetIndex() == 0 {
		return nil
	}
	data, err := proto.Marshal(s)
	if err != nil {
		return err
	}
	out := (&snappb.Snapshot{Crc: crc32.Checksum(data, crcTable), Data: data}).Marshal()
	name := filepath.Join(string(d), fileName(s.GetMetadata().GetTerm(), s.GetMetadata().GetIndex()))
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	if _, err = f.Write(out); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	dir, err := os.Open(string(d))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// names lists the snapshot files, newest first.
func (d Dir) names() ([]string, error) {
	ents, err := os.ReadDir(string(d))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".snap") {
			out = append(out, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

func (d Dir) read(name string) (*raftpb.Snapshot, error) {
	b, err := os.ReadFile(filepath.Join(string(d), name))
	if err != nil {
		return nil, err
	}
	var sp snappb.Snapshot
	if err := sp.Unmarshal(b); err != nil {
		return nil, err
	}
	if crc32.Checksum(sp.Data, crcTable) != sp.Crc {
		return nil, fmt.Errorf("snap: crc mismatch in %s", name)
	}
	var s raftpb.Snapshot
	if err := proto.Unmarshal(sp.Data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// LoadNewestAvailable implements Store.
func (d Dir) LoadNewestAvailable(walSnaps []*walpb.Snapshot) (*raftpb.Snapshot, error) {
	names, err := d.names()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, ws := range walSnaps {
		want[fileName(ws.Term, ws.Index)] = true
	}
	for _, n := range names {
		if !want[n] {
			continue
		}
		if s, err := d.read(n); err == nil {
			return s, nil
		}
	}
	return nil, ErrNoSnapshot
}

// Purge removes all but the newest max snapshot files (max <= 0: none).
func (d Dir) Purge(max int) {
	if max <= 0 {
		return
	}
	names, err := d.names()
	if err != nil {
		return
	}
	for i := max; i < len(names); i++ {
		os.Remove(filepath.Join(string(d), names[i]))
	}
}
