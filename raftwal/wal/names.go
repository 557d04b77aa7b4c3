package wal

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

const walSuffix = ".wal"

func walName(seq, index uint64) string {
	return fmt.Sprintf("%016x-%016x.wal", seq, index)
}

// parseWALName returns the sequence and index a segment name carries.
func parseWALName(name string) (seq, index uint64, err error) {
	if !strings.HasSuffix(name, walSuffix) {
		return 0, 0, fmt.Errorf("%w: %q", ErrBadWALName, name)
	}
	if _, err := fmt.Sscanf(name, "%016x-%016x.wal", &seq, &index); err != nil {
		return 0, 0, fmt.Errorf("%w: %q: %w", ErrBadWALName, name, err)
	}
	return seq, index, nil
}

// ParseWALName is parseWALName for other packages (tools).
func ParseWALName(name string) (seq, index uint64, err error) {
	return parseWALName(filepath.Base(name))
}

// Exist reports whether dir holds any segment file.
func Exist(fs fileutil.FS, dir string) bool {
	names, err := fileutil.OrOS(fs).ReadDir(dir)
	if err != nil {
		return false
	}
	for _, n := range names {
		if filepath.Ext(n) == walSuffix {
			return true
		}
	}
	return false
}

// segmentNames returns the sorted segment names in dir, ignoring (and
// logging) other files.
func segmentNames(lg *zap.Logger, fs fileutil.FS, dir string) ([]string, error) {
	names, err := fs.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wal: read dir: %w", err)
	}
	var out []string
	for _, n := range names {
		if _, _, err := parseWALName(n); err != nil {
			if !strings.HasSuffix(n, ".tmp") {
				lg.Warn("ignored file in WAL directory", zap.String("path", n))
			}
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, ErrFileNotFound
	}
	return out, nil
}

// searchIndex returns the position of the last segment whose first index
// is at or below index.
func searchIndex(names []string, index uint64) (int, bool) {
	for i := len(names) - 1; i >= 0; i-- {
		_, first, err := parseWALName(names[i])
		if err != nil {
			continue // names were filtered by segmentNames
		}
		if index >= first {
			return i, true
		}
	}
	return -1, false
}

// isValidSeq reports whether the sequence numbers of names increase by one.
func isValidSeq(names []string) bool {
	var last uint64
	for i, n := range names {
		seq, _, err := parseWALName(n)
		if err != nil {
			return false
		}
		if i > 0 && last != 0 && seq != last+1 {
			return false
		}
		last = seq
	}
	return true
}

// selectSegments returns all segment names and the position of the first
// one to read for snap.
func selectSegments(lg *zap.Logger, fs fileutil.FS, dir string, snapIndex uint64) ([]string, int, error) {
	names, err := segmentNames(lg, fs, dir)
	if err != nil {
		return nil, -1, err
	}
	i, ok := searchIndex(names, snapIndex)
	if !ok {
		return nil, -1, fmt.Errorf("%w: no file matches the snapshot index %d", ErrFileNotFound, snapIndex)
	}
	if !isValidSeq(names[i:]) {
		return nil, -1, fmt.Errorf("%w (starting from %d)", ErrBadSequence, i)
	}
	return names, i, nil
}
