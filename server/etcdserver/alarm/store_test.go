package alarm

import (
	"bytes"
	"path/filepath"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

func openBackend(t *testing.T, path string) *backend.Backend {
	t.Helper()
	be, err := backend.Open(backend.Config{Path: path, UnsafeNoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	return be
}

func TestStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	be := openBackend(t, path)
	s, err := New(be)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		op      func() *pb.AlarmMember
		want    *pb.AlarmMember
		all     int
		nospace bool
	}{
		{"activate", func() *pb.AlarmMember { return s.Activate(7, pb.AlarmType_NOSPACE) }, &pb.AlarmMember{MemberID: 7, Alarm: pb.AlarmType_NOSPACE}, 1, true},
		{"activate twice", func() *pb.AlarmMember { return s.Activate(7, pb.AlarmType_NOSPACE) }, &pb.AlarmMember{MemberID: 7, Alarm: pb.AlarmType_NOSPACE}, 1, true},
		{"other member", func() *pb.AlarmMember { return s.Activate(3, pb.AlarmType_CORRUPT) }, &pb.AlarmMember{MemberID: 3, Alarm: pb.AlarmType_CORRUPT}, 2, true},
		{"deactivate absent", func() *pb.AlarmMember { return s.Deactivate(3, pb.AlarmType_NOSPACE) }, nil, 2, true},
		{"deactivate", func() *pb.AlarmMember { return s.Deactivate(7, pb.AlarmType_NOSPACE) }, &pb.AlarmMember{MemberID: 7, Alarm: pb.AlarmType_NOSPACE}, 1, false},
		{"activate again", func() *pb.AlarmMember { return s.Activate(7, pb.AlarmType_NOSPACE) }, &pb.AlarmMember{MemberID: 7, Alarm: pb.AlarmType_NOSPACE}, 2, true},
	}
	for _, st := range steps {
		got := st.op()
		if (got == nil) != (st.want == nil) || (got != nil && (got.MemberID != st.want.MemberID || got.Alarm != st.want.Alarm)) {
			t.Fatalf("%s: got %v, want %v", st.name, got, st.want)
		}
		if n := len(s.Get(pb.AlarmType_NONE)); n != st.all {
			t.Fatalf("%s: %d alarms, want %d", st.name, n, st.all)
		}
		if s.Active(pb.AlarmType_NOSPACE) != st.nospace {
			t.Fatalf("%s: NOSPACE active %v", st.name, !st.nospace)
		}
	}
	if g := s.Get(pb.AlarmType_CORRUPT); len(g) != 1 || g[0].MemberID != 3 {
		t.Fatalf("Get(CORRUPT) = %v", g)
	}

	// The bucket holds etcd's layout: key = marshalled AlarmMember, empty value.
	be.ForceCommit()
	var keys [][]byte
	tx := be.BatchTx()
	tx.Lock()
	tx.UnsafeForEach(backend.Alarm, func(k, v []byte) error {
		if len(v) != 0 {
			t.Errorf("value %x, want empty", v)
		}
		keys = append(keys, append([]byte(nil), k...))
		return nil
	})
	tx.Unlock()
	want := [][]byte{{0x08, 0x03, 0x10, 0x02}, {0x08, 0x07, 0x10, 0x01}} // {3,CORRUPT}, {7,NOSPACE}
	if len(keys) != len(want) || !bytes.Equal(keys[0], want[0]) || !bytes.Equal(keys[1], want[1]) {
		t.Fatalf("bucket keys %x, want %x", keys, want)
	}
	be.Close()

	// Loaded on open.
	be = openBackend(t, path)
	defer be.Close()
	s2, err := New(be)
	if err != nil {
		t.Fatal(err)
	}
	if g := s2.Get(pb.AlarmType_NONE); len(g) != 2 || g[0].Alarm != pb.AlarmType_NOSPACE || g[1].Alarm != pb.AlarmType_CORRUPT {
		t.Fatalf("reloaded %v", g)
	}
}
