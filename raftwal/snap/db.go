package snap

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

// DBFileName is the name of the database received for snapshot index id.
func DBFileName(id uint64) string {
	return fmt.Sprintf("%016x%s", id, dbSuffix)
}

// SaveDBFrom stores the database read from r as the one for snapshot index
// id: it is written to a temporary file, synced, renamed to
// "%016x.snap.db" and the directory synced. If that file already exists it
// is kept. It returns the number of bytes read.
func (s *Snapshotter) SaveDBFrom(r io.Reader, id uint64) (int64, error) {
	start := time.Now()
	tmp := filepath.Join(s.dir, "tmp"+strconv.FormatInt(time.Now().UnixNano(), 10))
	f, err := s.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileutil.PrivateFileMode)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if err == nil {
		fsyncStart := time.Now()
		err = f.Sync()
		s.m.DBFsynced(time.Since(fsyncStart))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.fs.Remove(tmp)
		return n, err
	}
	fn := s.dbFilePath(id)
	if fileutil.FileExist(s.fs, fn) {
		s.fs.Remove(tmp)
		// An earlier call may have renamed it and died before the
		// directory sync.
		return n, fileutil.SyncDir(s.fs, s.dir)
	}
	if err := s.fs.Rename(tmp, fn); err != nil {
		s.fs.Remove(tmp)
		return n, err
	}
	if err := fileutil.SyncDir(s.fs, s.dir); err != nil {
		s.lg.Warn("failed to fsync snap directory after saving database snapshot", zap.String("path", fn), zap.Error(err))
		return n, err
	}
	s.lg.Info("saved database snapshot to disk", zap.String("path", fn), zap.Int64("bytes", n), zap.Duration("took", time.Since(start)))
	s.m.DBSaved(time.Since(start))
	return n, nil
}

// DBFilePath returns the path of the database for snapshot index id, or
// ErrNoDBSnapshot if it has not been received.
func (s *Snapshotter) DBFilePath(id uint64) (string, error) {
	if _, err := s.fs.ReadDir(s.dir); err != nil {
		return "", err
	}
	fn := s.dbFilePath(id)
	if fileutil.FileExist(s.fs, fn) {
		return fn, nil
	}
	s.lg.Warn("failed to find [SNAPSHOT-INDEX].snap.db", zap.Uint64("snapshot-index", id), zap.String("snapshot-file-path", fn), zap.Error(ErrNoDBSnapshot))
	return "", ErrNoDBSnapshot
}

func (s *Snapshotter) dbFilePath(id uint64) string {
	return filepath.Join(s.dir, DBFileName(id))
}
