package cluster

import (
	"context"
	"fmt"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/leasekeep"
)

// TestLeaseKillLeader kills the leader of a 3-member cluster (SIGKILL)
// twice while leases are kept alive: no kept-alive lease expires, and a
// lease nobody keeps alive continues on the new leader from its last
// checkpointed remaining TTL rather than from its granted TTL. Lease calls
// made through followers are forwarded to the leader.
func TestLeaseKillLeader(t *testing.T) {
	c := newCluster(t, 3, "--experimental-lease-checkpoint-interval", "1s")
	cli := newClient(t, c.Endpoints()...)
	ctx := ctxT(t, 120*time.Second)

	const granted = 60
	idle, err := cli.Grant(ctx, granted)
	if err != nil {
		t.Fatal(err)
	}
	const nKept = 4
	kctx, kcancel := context.WithCancel(context.Background())
	defer kcancel()
	kept := leasekeep.Start(t, ctx, kctx, cli, nKept, 5)

	last := int64(granted + 1)
	for round := 0; round < 2; round++ {
		// Several checkpoint intervals (liveness margin, not an assertion).
		time.Sleep(3 * time.Second)
		lead := leaderIndex(t, c)
		c.Members[lead].Kill()
		newLead := -1
		eventually(t, 20*time.Second, "new leader", func() error {
			for i, m := range c.Members {
				if i == lead {
					continue
				}
				sc := statusClient(t, m.ClientURL)
				sctx, cancel := context.WithTimeout(ctx, time.Second)
				st, err := sc.Status(sctx, m.ClientURL)
				cancel()
				sc.Close()
				if err == nil && st.Leader != 0 && st.Leader == st.Header.MemberId {
					newLead = i
					return nil
				}
			}
			return fmt.Errorf("no new leader")
		})
		// Ask through a follower of the new leader: forwarded.
		via := newClient(t, c.Members[3-lead-newLead].ClientURL)
		var ttl *clientv3.LeaseTimeToLiveResponse
		eventually(t, 20*time.Second, "TimeToLive through a follower", func() error {
			var err error
			ttl, err = via.TimeToLive(ctx, idle.ID)
			return err
		})
		if ttl.TTL <= 0 || ttl.TTL >= last || ttl.TTL >= granted {
			t.Fatalf("round %d: idle lease TTL %d after leader change (previous %d, granted %d)", round, ttl.TTL, last, granted)
		}
		t.Logf("round %d: killed %s, idle lease TTL %d on new leader %s", round, c.Members[lead].Name, ttl.TTL, c.Members[newLead].Name)
		last = ttl.TTL
		kept.Check(t, ctx, via, round)
		rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		if err := c.Members[lead].Restart(rctx); err != nil {
			cancel()
			t.Fatal(err)
		}
		cancel()
	}
	// Expiry through raft deletes the same keys at the same revision on
	// every member.
	short, err := cli.Grant(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(ctx, "short", "v", clientv3.WithLease(short.ID)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "short lease expired", func() error {
		r, err := cli.Get(ctx, "short")
		if err != nil {
			return err
		}
		if len(r.Kvs) != 0 {
			return fmt.Errorf("still there")
		}
		return nil
	})
	r, err := cli.Get(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	hashKVAll(t, c, r.Header.Revision)
}
