package cluster

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestSnapshotInstallKeepsWatchersAndLeases: a follower cut off long enough
// to need the leader's snapshot keeps its open watchers (every event of the
// missed history arrives, in order, once) and learns the leases granted
// meanwhile with their keys, so that as leader it serves and revokes them.
func TestSnapshotInstallKeepsWatchersAndLeases(t *testing.T) {
	c := newCluster(t, 3, "--snapshot-count", "100", "--snapshot-catchup-entries", "10")
	lead := leaderIndex(t, c)
	f := c.Members[(lead+1)%3]
	var majority []string
	for _, m := range c.Members {
		if m != f {
			majority = append(majority, m.ClientURL)
		}
	}
	cli := newClient(t, majority...)
	fcli := newClient(t, f.ClientURL)
	ctx := ctxT(t, 120*time.Second)

	start, err := cli.Put(ctx, "w/start", "0")
	if err != nil {
		t.Fatal(err)
	}
	// The follower has applied the first write before its watcher opens.
	eventually(t, 20*time.Second, "follower applies the first write", func() error {
		resp, err := fcli.Get(ctx, "w/start", clientv3.WithSerializable())
		if err != nil {
			return err
		}
		if len(resp.Kvs) != 1 {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	wch := fcli.Watch(wctx, "w/", clientv3.WithPrefix(), clientv3.WithRev(start.Header.Revision+1))

	c.Isolate(f)
	lease, err := cli.Grant(ctx, 600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(ctx, "w/leased", "x", clientv3.WithLease(lease.ID)); err != nil {
		t.Fatal(err)
	}
	const n = 300
	var last int64
	for i := 0; i < n; i++ {
		resp, err := cli.Put(ctx, "w/"+strconv.Itoa(i), "v")
		if err != nil {
			t.Fatal(err)
		}
		last = resp.Header.Revision
	}
	c.Heal()
	eventually(t, 60*time.Second, "follower installs the leader's snapshot", func() error {
		if !strings.Contains(f.Log(), "applied snapshot") {
			return fmt.Errorf("no snapshot applied yet")
		}
		return nil
	})

	// The watcher sees the whole missed history, in order, each event once.
	want := start.Header.Revision + 1
	for want <= last {
		select {
		case wr, ok := <-wch:
			if !ok {
				t.Fatalf("watch closed at revision %d: %v", want, wr.Err())
			}
			if err := wr.Err(); err != nil {
				t.Fatal(err)
			}
			for _, ev := range wr.Events {
				if ev.Kv.ModRevision != want {
					t.Fatalf("event at revision %d, want %d (gap or duplicate)", ev.Kv.ModRevision, want)
				}
				want++
			}
		case <-ctx.Done():
			t.Fatalf("watcher on the follower stalled at revision %d of %d", want, last)
		}
	}

	// The follower knows the lease granted while it was cut off: once it
	// leads, it reports the lease with its key and revokes it.
	lcli := statusClient(t, c.Members[leaderIndex(t, c)].ClientURL)
	defer lcli.Close()
	fid, err := strconv.ParseUint(f.ID(), 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "leadership moves to the follower", func() error {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := lcli.MoveLeader(cctx, fid); err != nil && !strings.Contains(err.Error(), "not leader") {
			return err
		}
		if c.Members[leaderIndex(t, c)] != f {
			lcli.Close()
			lcli = statusClient(t, c.Members[leaderIndex(t, c)].ClientURL)
			return fmt.Errorf("not moved yet")
		}
		return nil
	})
	ttl, err := fcli.TimeToLive(ctx, lease.ID, clientv3.WithAttachedKeys())
	if err != nil {
		t.Fatal(err)
	}
	if ttl.TTL <= 0 || len(ttl.Keys) != 1 || string(ttl.Keys[0]) != "w/leased" {
		t.Fatalf("lease on the new leader: TTL %d, keys %q", ttl.TTL, ttl.Keys)
	}
	if _, err := fcli.Revoke(ctx, lease.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case wr := <-wch:
		if len(wr.Events) != 1 || wr.Events[0].Type != clientv3.EventTypeDelete || string(wr.Events[0].Kv.Key) != "w/leased" {
			t.Fatalf("after revoke, watcher got %v", wr.Events)
		}
	case <-ctx.Done():
		t.Fatal("no delete event for the revoked lease's key")
	}
	hashKVAll(t, c, 0)
}
