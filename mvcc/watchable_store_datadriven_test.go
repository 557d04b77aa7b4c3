package mvcc

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
)

// TestWatchDatadriven drives the watchable store's state machine by hand:
// the background sync loop is off and "sync" runs one round of victim
// retries and unsynced catch-up, so every output is deterministic.
func TestWatchDatadriven(t *testing.T) {
	datadriven.Walk(t, "testdata/watch", func(t *testing.T, path string) {
		b := openTestBackend(t, filepath.Join(t.TempDir(), "db"))
		s, err := newWatchableStore(b, nil, StoreConfig{CompactionSleepInterval: time.Microsecond}, false)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = s.Close(); _ = b.Close() }()
		streams := map[string]*watchStream{}
		stream := func(td *datadriven.TestData) *watchStream {
			name := "s"
			if v, ok := argStr(td, "stream"); ok {
				name = string(v)
			}
			st := streams[name]
			if st == nil {
				buf := int(argInt(td, "buf"))
				if buf == 0 {
					buf = chanBufLen
				}
				st = s.newWatchStream(buf)
				streams[name] = st
			}
			return st
		}
		ctx := context.Background()
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			key, _ := argStr(td, "k")
			end, _ := argStr(td, "end")
			switch td.Cmd {
			case "put":
				v, _ := argStr(td, "v")
				return fmt.Sprintf("rev=%d\n", s.Put(key, v, 0))
			case "del":
				n, rev := s.DeleteRange(key, end)
				return fmt.Sprintf("deleted=%d rev=%d\n", n, rev)
			case "txn":
				tw := s.Write(ctx)
				for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
					f := strings.Fields(line)
					if f[0] == "put" {
						tw.Put([]byte(f[1]), []byte(f[2]), 0)
					} else {
						tw.DeleteRange([]byte(f[1]), nil)
					}
				}
				tw.End()
				return fmt.Sprintf("rev=%d\n", s.Rev())
			case "compact":
				ch, err := s.Compact(ctx, argInt(td, "rev"))
				if err != nil {
					return fmt.Sprintf("error: %v\n", err)
				}
				<-ch
				return "ok\n"
			case "watch":
				var fcs []FilterFunc
				if _, ok := argStr(td, "noput"); ok {
					fcs = append(fcs, FilterNoPut)
				}
				if _, ok := argStr(td, "nodelete"); ok {
					fcs = append(fcs, FilterNoDelete)
				}
				if end == nil {
					if _, ok := argStr(td, "end"); ok {
						end = []byte{}
					}
				}
				id, err := stream(td).Watch(WatchID(argInt(td, "id")), key, end, argInt(td, "start"), fcs...)
				if err != nil {
					return fmt.Sprintf("error: %v\n", err)
				}
				return fmt.Sprintf("id=%d\n", id)
			case "cancel":
				if err := stream(td).Cancel(WatchID(argInt(td, "id"))); err != nil {
					return fmt.Sprintf("error: %v\n", err)
				}
				return "ok\n"
			case "progress":
				st := stream(td)
				if _, ok := argStr(td, "all"); ok {
					return fmt.Sprintf("sent=%v\n", st.RequestProgressAll())
				}
				st.RequestProgress(WatchID(argInt(td, "id")))
				return "ok\n"
			case "sync":
				s.syncVictims()
				more := s.syncWatchers()
				return fmt.Sprintf("unsynced-left=%v\n", more)
			case "state":
				return watchState(s)
			case "recv":
				// Order is guaranteed per watcher, not across watchers:
				// group the output by watch ID.
				st := stream(td)
				var resps []WatchResponse
				for {
					select {
					case r := <-st.ch:
						resps = append(resps, r)
						continue
					default:
					}
					break
				}
				sort.SliceStable(resps, func(i, j int) bool { return resps[i].WatchID < resps[j].WatchID })
				var b strings.Builder
				for _, r := range resps {
					{
						fmt.Fprintf(&b, "id=%d rev=%d", r.WatchID, r.Revision)
						if r.CompactRevision != 0 {
							fmt.Fprintf(&b, " compacted=%d", r.CompactRevision)
						}
						for _, e := range r.Events {
							fmt.Fprintf(&b, " %s:%s@%d", strings.ToLower(e.Type.String()), e.Kv.Key, e.Kv.ModRevision)
							if len(e.Kv.Value) > 0 {
								fmt.Fprintf(&b, "=%s", e.Kv.Value)
							}
						}
						b.WriteString("\n")
					}
				}
				if b.Len() == 0 {
					return "none\n"
				}
				return b.String()
			}
			return fmt.Sprintf("unknown command %q", td.Cmd)
		})
		for _, st := range streams {
			st.Close()
		}
	})
}

func watchState(s *WatchableStore) string {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var lines []string
	add := func(set string, w *watcher) {
		lines = append(lines, fmt.Sprintf("%s id=%d next=%d", set, w.id, w.minRev))
	}
	for _, set := range s.synced.keys {
		for w := range set {
			add("synced", w)
		}
	}
	for w := range s.synced.ranges {
		add("synced", w)
	}
	for w := range s.unsynced {
		add("unsynced", w)
	}
	for w := range s.victims {
		add("victim", w)
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		return "no watchers\n"
	}
	return strings.Join(lines, "\n") + "\n"
}
