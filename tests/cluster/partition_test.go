package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestPartitionedMinority: the leader is cut off from the others. Through
// it, writes do not commit and linearizable reads fail instead of
// returning stale data; the majority elects a leader and goes on; after
// healing the old leader converges.
func TestPartitionedMinority(t *testing.T) {
	c := newCluster(t, 3)
	lead := leaderIndex(t, c)
	minority := c.Members[lead]
	var majority []string
	for _, m := range c.Members {
		if m != minority {
			majority = append(majority, m.ClientURL)
		}
	}
	mcli := newClient(t, minority.ClientURL)
	cli := newClient(t, majority...)
	ctx := ctxT(t, 60*time.Second)
	if _, err := cli.Put(ctx, "p", "before"); err != nil {
		t.Fatal(err)
	}
	// Watches through the soon-isolated member: one requires a leader.
	wctx, wcancel := context.WithCancel(context.Background())
	defer wcancel()
	needLeader := mcli.Watch(clientv3.WithRequireLeader(wctx), "w")
	plain := mcli.Watch(wctx, "w")
	c.Isolate(minority)
	t.Logf("isolated leader %s", minority.Name)

	// Without a leader for three election timeouts the member ends the
	// watch that requires one, with etcd's error; the other stays.
	select {
	case resp, ok := <-needLeader:
		if !ok || !errors.Is(resp.Err(), rpctypes.ErrNoLeader) {
			t.Fatalf("watch requiring a leader ended with %v (open %v), want %v", resp.Err(), ok, rpctypes.ErrNoLeader)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("watch requiring a leader still open 30s after the member lost its leader")
	}
	select {
	case resp, ok := <-plain:
		t.Fatalf("plain watch ended: %v (open %v)", resp.Err(), ok)
	default:
	}

	// The majority elects a new leader and commits.
	eventually(t, 30*time.Second, "write through the majority", func() error {
		cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, err := cli.Put(cctx, "p", "after")
		return err
	})

	// The minority neither commits nor serves a stale linearizable read.
	for i := 0; i < 3; i++ {
		cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		_, err := mcli.Put(cctx, "p", fmt.Sprintf("minority%d", i))
		cancel()
		if err == nil {
			t.Fatal("a write through the partitioned minority committed")
		}
		cctx, cancel = context.WithTimeout(context.Background(), 3*time.Second)
		resp, err := mcli.Get(cctx, "p")
		cancel()
		if err == nil {
			t.Fatalf("linearizable read through the minority returned %v", resp.Kvs)
		}
	}
	// A serializable read is served locally (and may be stale).
	cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	resp, err := mcli.Get(cctx, "p", clientv3.WithSerializable())
	cancel()
	if err != nil {
		t.Fatalf("serializable read through the minority: %v", err)
	}
	if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "before" {
		t.Fatalf("serializable read through the minority: %v", resp.Kvs)
	}

	c.Heal()
	// A write that timed out for its client has an unknown outcome (as
	// with etcd); convergence means the old leader reads what the
	// majority reads.
	eventually(t, 30*time.Second, "minority converges", func() error {
		cctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		resp, err := mcli.Get(cctx, "p")
		if err != nil {
			return err
		}
		want, err := cli.Get(cctx, "p")
		if err != nil {
			return err
		}
		if len(resp.Kvs) != 1 || len(want.Kvs) != 1 || resp.Kvs[0].ModRevision < want.Kvs[0].ModRevision ||
			string(resp.Kvs[0].Value) != string(want.Kvs[0].Value) {
			return errors.New("stale value " + fmt.Sprint(resp.Kvs, " want ", want.Kvs))
		}
		return nil
	})
	resp, err = cli.Get(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	hashKVAll(t, c, resp.Header.Revision)
}

// TestMoveLeader: the leader hands over to a chosen voter; a follower
// asked to move is refused with etcd's error, and so is a bad target.
func TestMoveLeader(t *testing.T) {
	c := newCluster(t, 3)
	lead := leaderIndex(t, c)
	target := c.Members[(lead+1)%3]
	follower := c.Members[(lead+2)%3]
	ctx := ctxT(t, 30*time.Second)
	fcli := newClient(t, follower.ClientURL)
	if _, err := fcli.MoveLeader(ctx, memberID(t, target)); err == nil || err.Error() != "etcdserver: not leader" {
		t.Fatalf("MoveLeader through a follower: %v", err)
	}
	lcli := newClient(t, c.Members[lead].ClientURL)
	if _, err := lcli.MoveLeader(ctx, 12345); err == nil || err.Error() != "etcdserver: bad leader transferee" {
		t.Fatalf("MoveLeader to an unknown member: %v", err)
	}
	if _, err := lcli.MoveLeader(ctx, memberID(t, target)); err != nil {
		t.Fatal(err)
	}
	if got := leaderIndex(t, c); c.Members[got] != target {
		t.Fatalf("leader is %s, want %s", c.Members[got].Name, target.Name)
	}
}
