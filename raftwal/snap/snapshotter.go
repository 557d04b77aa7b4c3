package snap

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
	"github.com/etcdgo/etcd/raftwal/v3/snappb"
	"github.com/etcdgo/etcd/raftwal/v3/walpb"
)

const (
	snapSuffix   = ".snap"
	dbSuffix     = ".snap.db"
	brokenSuffix = ".broken"
	tmpSuffix    = ".tmp"
)

// Errors of this package, with etcd's texts.
var (
	ErrNoSnapshot    = errors.New("snap: no available snapshot")
	ErrEmptySnapshot = errors.New("snap: empty snapshot")
	ErrCRCMismatch   = errors.New("snap: crc mismatch")
	ErrNoDBSnapshot  = errors.New("snap: snapshot file doesn't exist")
)

// Config carries what a Snapshotter needs. The zero value is usable.
type Config struct {
	// Logger receives warnings; nil logs nothing.
	Logger *zap.Logger
	// FS is the file system; nil is the real one.
	FS fileutil.FS
	// Metrics receives the timings of saves; nil drops them.
	Metrics Metrics
}

// Metrics receives the snapshot files' timings (the server exports them as
// etcd's etcd_snap_* and etcd_debugging_snap_* metrics).
type Metrics interface {
	// SnapMarshalled reports the encoding of a snapshot file's contents.
	SnapMarshalled(took time.Duration)
	// SnapFsynced reports writing and syncing a snapshot file, failed or not.
	SnapFsynced(took time.Duration)
	// SnapSaved reports a whole successful SaveSnap.
	SnapSaved(took time.Duration)
	// DBFsynced reports the sync of a received database.
	DBFsynced(took time.Duration)
	// DBSaved reports a whole successful SaveDBFrom that stored a new file.
	DBSaved(took time.Duration)
}

type nopMetrics struct{}

func (nopMetrics) SnapMarshalled(time.Duration) {}
func (nopMetrics) SnapFsynced(time.Duration)    {}
func (nopMetrics) SnapSaved(time.Duration)      {}
func (nopMetrics) DBFsynced(time.Duration)      {}
func (nopMetrics) DBSaved(time.Duration)        {}

// Snapshotter reads and writes the snapshot files of one directory.
type Snapshotter struct {
	lg    *zap.Logger
	fs    fileutil.FS
	m     Metrics
	dir   string
	table *crc32.Table
}

// New returns a Snapshotter for dir, which must exist.
func New(cfg Config, dir string) *Snapshotter {
	lg := cfg.Logger
	if lg == nil {
		lg = zap.NewNop()
	}
	m := cfg.Metrics
	if m == nil {
		m = nopMetrics{}
	}
	return &Snapshotter{lg: lg, fs: fileutil.OrOS(cfg.FS), m: m, dir: dir, table: crc32.MakeTable(crc32.Castagnoli)}
}

// Dir returns the snapshot directory.
func (s *Snapshotter) Dir() string { return s.dir }

// SnapName returns the file name of a snapshot at term and index.
func SnapName(term, index uint64) string {
	return fmt.Sprintf("%016x-%016x%s", term, index, snapSuffix)
}

// SaveSnap writes snapshot to its file, durably: it is written under a
// temporary name, synced, renamed into place and the directory synced. An
// empty snapshot (index 0) is not saved.
func (s *Snapshotter) SaveSnap(snapshot *raftpb.Snapshot) error {
	if snapshot.GetMetadata().GetIndex() == 0 {
		return nil
	}
	start := time.Now()
	b, err := proto.Marshal(snapshot)
	if err != nil {
		return err
	}
	env := snappb.Snapshot{Crc: crc32.Checksum(b, s.table), Data: b}
	data := env.Marshal()
	s.m.SnapMarshalled(time.Since(start))
	name := SnapName(snapshot.GetMetadata().GetTerm(), snapshot.GetMetadata().GetIndex())
	path := filepath.Join(s.dir, name)
	tmp := path + tmpSuffix
	fsyncStart := time.Now()
	err = fileutil.WriteAndSyncFile(s.fs, tmp, data, 0o666)
	s.m.SnapFsynced(time.Since(fsyncStart))
	if err != nil {
		s.lg.Warn("failed to write a snap file", zap.String("path", path), zap.Error(err))
		if rerr := s.fs.Remove(tmp); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			s.lg.Warn("failed to remove a broken snap file", zap.String("path", tmp), zap.Error(rerr))
		}
		return err
	}
	if err := s.fs.Rename(tmp, path); err != nil {
		s.fs.Remove(tmp)
		return err
	}
	if err := fileutil.SyncDir(s.fs, s.dir); err != nil {
		return err
	}
	s.m.SnapSaved(time.Since(start))
	return nil
}

// Load returns the newest snapshot that reads back whole.
func (s *Snapshotter) Load() (*raftpb.Snapshot, error) {
	return s.loadMatching(func(*raftpb.Snapshot) bool { return true })
}

// LoadNewestAvailable returns the newest snapshot that reads back whole and
// whose term and index match one of walSnaps (see wal.ValidSnapshotEntries).
func (s *Snapshotter) LoadNewestAvailable(walSnaps []*walpb.Snapshot) (*raftpb.Snapshot, error) {
	return s.loadMatching(func(snap *raftpb.Snapshot) bool {
		m := snap.GetMetadata()
		for i := len(walSnaps) - 1; i >= 0; i-- {
			if m.GetTerm() == walSnaps[i].GetTerm() && m.GetIndex() == walSnaps[i].GetIndex() {
				return true
			}
		}
		return false
	})
}

func (s *Snapshotter) loadMatching(match func(*raftpb.Snapshot) bool) (*raftpb.Snapshot, error) {
	names, err := s.snapNames()
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		snap, err := s.loadSnap(name)
		if err == nil && match(snap) {
			return snap, nil
		}
	}
	return nil, ErrNoSnapshot
}

// loadSnap reads one file, renaming it to .broken if it does not read back.
func (s *Snapshotter) loadSnap(name string) (*raftpb.Snapshot, error) {
	path := filepath.Join(s.dir, name)
	snap, err := read(s.lg, s.fs, s.table, path)
	if err != nil {
		broken := path + brokenSuffix
		s.lg.Warn("failed to read a snap file", zap.String("path", path), zap.Error(err))
		if rerr := s.fs.Rename(path, broken); rerr != nil {
			s.lg.Warn("failed to rename a broken snap file", zap.String("path", path), zap.String("broken-path", broken), zap.Error(rerr))
		} else {
			s.lg.Warn("renamed to a broken snap file", zap.String("path", path), zap.String("broken-path", broken))
		}
	}
	return snap, err
}

// Read reads and checks the snapshot file at path.
func Read(cfg Config, path string) (*raftpb.Snapshot, error) {
	lg := cfg.Logger
	if lg == nil {
		lg = zap.NewNop()
	}
	return read(lg, fileutil.OrOS(cfg.FS), crc32.MakeTable(crc32.Castagnoli), path)
}

func read(lg *zap.Logger, fs fileutil.FS, table *crc32.Table, path string) (*raftpb.Snapshot, error) {
	b, err := readFile(fs, path)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, ErrEmptySnapshot
	}
	var env snappb.Snapshot
	if err := env.Unmarshal(b); err != nil {
		return nil, err
	}
	if len(env.Data) == 0 || env.Crc == 0 {
		return nil, ErrEmptySnapshot
	}
	if crc := crc32.Checksum(env.Data, table); crc != env.Crc {
		lg.Warn("snap file is corrupt", zap.String("path", path), zap.Uint32("prev-crc", env.Crc), zap.Uint32("new-crc", crc))
		return nil, ErrCRCMismatch
	}
	var snap raftpb.Snapshot
	if err := proto.Unmarshal(env.Data, &snap); err != nil {
		return nil, err
	}
	return &snap, nil
}

func readFile(fs fileutil.FS, path string) ([]byte, error) {
	f, err := fs.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// snapNames returns the .snap files, newest first, after removing leftovers
// of interrupted writes.
func (s *Snapshotter) snapNames() ([]string, error) {
	names, err := s.fs.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var snaps []string
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, "db.tmp"), strings.HasSuffix(n, snapSuffix+tmpSuffix):
			s.lg.Info("found orphaned temporary file; deleting", zap.String("path", n))
			if err := s.fs.Remove(filepath.Join(s.dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("failed to remove orphaned file %s: %w", n, err)
			}
		case strings.HasSuffix(n, snapSuffix):
			snaps = append(snaps, n)
		case n == "db", strings.HasSuffix(n, dbSuffix), strings.HasSuffix(n, brokenSuffix), strings.HasPrefix(n, "tmp"):
		default:
			s.lg.Warn("found unexpected non-snap file; skipping", zap.String("path", n))
		}
	}
	if len(snaps) == 0 {
		return nil, ErrNoSnapshot
	}
	sort.Sort(sort.Reverse(sort.StringSlice(snaps)))
	return snaps, nil
}

// Purge removes the oldest .snap files so that at most max remain, and
// returns the paths it removed.
func (s *Snapshotter) Purge(max int) ([]string, error) {
	names, err := s.fs.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var snaps []string
	for _, n := range names {
		if strings.HasSuffix(n, snapSuffix) {
			snaps = append(snaps, n)
		}
	}
	var removed []string
	for len(snaps) > max {
		p := filepath.Join(s.dir, snaps[0])
		if err := s.fs.Remove(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
		snaps = snaps[1:]
	}
	return removed, nil
}

// ReleaseSnapDBs removes the received databases older than snap.
func (s *Snapshotter) ReleaseSnapDBs(snap *raftpb.Snapshot) error {
	names, err := s.fs.ReadDir(s.dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		if !strings.HasSuffix(n, dbSuffix) {
			continue
		}
		index, err := strconv.ParseUint(strings.TrimSuffix(n, dbSuffix), 16, 64)
		if err != nil {
			s.lg.Error("failed to parse index from filename", zap.String("path", n), zap.Error(err))
			continue
		}
		if index < snap.GetMetadata().GetIndex() {
			s.lg.Info("found orphaned .snap.db file; deleting", zap.String("path", n))
			if err := s.fs.Remove(filepath.Join(s.dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				s.lg.Error("failed to remove orphaned .snap.db file", zap.String("path", n), zap.Error(err))
			}
		}
	}
	return nil
}
