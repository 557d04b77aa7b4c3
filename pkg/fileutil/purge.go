package fileutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// PurgeOnce removes the oldest files in dir whose names end in suffix
// until at most max of them remain (names sort oldest first, as WAL and
// snapshot names do). A file that another open file holds locked (such as
// a WAL segment still in use) stops the purge: it and everything newer are
// kept. It returns the paths it removed.
func PurgeOnce(dir, suffix string, max int) ([]string, error) {
	names, err := ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var matched []string
	for _, n := range names {
		if strings.HasSuffix(n, suffix) {
			matched = append(matched, n)
		}
	}
	var removed []string
	for len(matched) > max {
		p := filepath.Join(dir, matched[0])
		l, err := TryLockFile(p, os.O_WRONLY, PrivateFileMode)
		if err != nil {
			if errors.Is(err, ErrLocked) {
				return removed, nil
			}
			return removed, err
		}
		err = os.Remove(p)
		l.Close()
		if err != nil {
			return removed, err
		}
		removed = append(removed, p)
		matched = matched[1:]
	}
	return removed, nil
}

// PurgeFile runs PurgeOnce every interval until stop is closed. Each batch
// of removed paths is passed to onPurge (may be nil); the first error ends
// the loop and is sent on the returned channel, which is closed when the
// loop ends.
func PurgeFile(dir, suffix string, max int, interval time.Duration, stop <-chan struct{}, onPurge func([]string)) <-chan error {
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			removed, err := PurgeOnce(dir, suffix, max)
			if len(removed) > 0 && onPurge != nil {
				onPurge(removed)
			}
			if err != nil {
				errc <- err
				return
			}
			select {
			case <-t.C:
			case <-stop:
				return
			}
		}
	}()
	return errc
}
