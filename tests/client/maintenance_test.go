package client

import (
	"bytes"
	"io"
	"testing"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

func TestMaintenance(t *testing.T) {
	forEachServer(t, testMaintenance)
}

func testMaintenance(t *testing.T, srv *server) {
	eps := srv.shared(t, 1).Endpoints()
	cli := srv.single(t)
	ctx := testCtx(t)
	if _, err := cli.Put(ctx, keyPrefix(t)+"k", "v"); err != nil {
		t.Fatal(err)
	}

	t.Run("status and hash", func(t *testing.T) {
		st, err := cli.Status(ctx, eps[0])
		if err != nil || st.Version == "" || st.Header.MemberId == 0 || st.Leader == 0 {
			t.Fatalf("status: %+v, %v", st, err)
		}
		h1, err := cli.HashKV(ctx, eps[0], 0)
		if err != nil || h1.Hash == 0 {
			t.Fatalf("hashkv: %+v, %v", h1, err)
		}
	})

	t.Run("defragment", func(t *testing.T) {
		srv.requires(t, refetcd.Defragment)
		if _, err := cli.Defragment(ctx, eps[0]); err != nil {
			t.Fatalf("defragment: %v", err)
		}
	})

	t.Run("alarms", func(t *testing.T) {
		srv.requires(t, refetcd.Alarm)
		alarms, err := cli.AlarmList(ctx)
		if err != nil || len(alarms.Alarms) != 0 {
			t.Fatalf("alarms: %+v, %v", alarms, err)
		}
		if _, err := cli.AlarmDisarm(ctx, &clientv3.AlarmMember{}); err != nil {
			t.Fatalf("disarm all: %v", err)
		}
	})

	t.Run("snapshot", func(t *testing.T) {
		srv.requires(t, refetcd.Snapshot)
		sr, err := cli.SnapshotWithVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, sr.Snapshot); err != nil {
			t.Fatal(err)
		}
		_ = sr.Snapshot.Close()
		if buf.Len() < 1024 || sr.Version == "" {
			t.Fatalf("snapshot of %d bytes, version %q", buf.Len(), sr.Version)
		}
	})

	t.Run("members", func(t *testing.T) {
		ml, err := cli.MemberList(ctx, clientv3.WithSerializable())
		if err != nil || len(ml.Members) != 1 || ml.Members[0].ClientURLs[0] != eps[0] {
			t.Fatalf("member list: %+v, %v", ml, err)
		}
		if err := cli.Sync(ctx); err != nil || len(cli.Endpoints()) != 1 || cli.Endpoints()[0] != eps[0] {
			t.Fatalf("sync: %v, endpoints %v", err, cli.Endpoints())
		}
		if _, err := cli.MemberAdd(ctx, []string{"not a url"}); err == nil {
			t.Fatal("member add accepted a bad URL")
		}
		if _, err := cli.MemberRemove(ctx, 1); err != rpctypes.ErrMemberNotFound {
			t.Fatalf("remove unknown member: %v", err)
		}
	})
}

func TestMoveLeader(t *testing.T) {
	forEachServer(t, testMoveLeader)
}

func testMoveLeader(t *testing.T, srv *server) {
	c := srv.shared(t, 3)
	ctx := testCtx(t)
	all := newClient(t, clientv3.Config{Endpoints: c.Endpoints()})
	var leaderEP string
	var leaderID, follower uint64
	for _, ep := range c.Endpoints() {
		st, err := all.Status(ctx, ep)
		if err != nil {
			t.Fatal(err)
		}
		if st.Leader == st.Header.MemberId {
			leaderEP, leaderID = ep, st.Header.MemberId
		} else {
			follower = st.Header.MemberId
		}
	}
	if leaderEP == "" {
		t.Fatal("no leader")
	}
	cli := newClient(t, clientv3.Config{Endpoints: []string{leaderEP}})
	if _, err := cli.MoveLeader(ctx, follower); err != nil {
		t.Fatalf("move leader %x -> %x: %v", leaderID, follower, err)
	}
	st, err := cli.Status(ctx, leaderEP)
	if err != nil || st.Leader != follower {
		t.Fatalf("leader after move: %+v, %v", st, err)
	}
}
