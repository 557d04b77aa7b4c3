package cluster

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

func memberID(t *testing.T, m *e2e.Member) uint64 {
	t.Helper()
	id, err := strconv.ParseUint(m.ID(), 16, 64)
	if err != nil {
		t.Fatalf("member %s ID %q: %v", m.Name, m.ID(), err)
	}
	return id
}

// retry runs fn until it succeeds, retrying errors etcd asks to retry
// (unhealthy cluster right after a change, learner not in sync yet, …).
func retry(t *testing.T, what string, fn func(ctx context.Context) error, retryOn ...string) {
	t.Helper()
	eventually(t, 60*time.Second, what, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := fn(ctx)
		if err == nil {
			return nil
		}
		for _, r := range retryOn {
			if strings.Contains(err.Error(), r) {
				return err
			}
		}
		if isRetryable(err) {
			return err
		}
		t.Fatalf("%s: %v", what, err)
		return nil
	})
}

// removeMember removes id, retrying as retry does. An attempt whose outcome
// was unknown (timed out) may have committed: "member not found" on a later
// attempt then means the removal took place.
func removeMember(t *testing.T, cli *clientv3.Client, what string, id uint64) {
	t.Helper()
	attempts := 0
	retry(t, what, func(ctx context.Context) error {
		attempts++
		_, err := cli.MemberRemove(ctx, id)
		if err != nil && attempts > 1 && strings.Contains(err.Error(), "member not found") {
			return nil
		}
		return err
	}, "unhealthy cluster")
}

// TestMembershipChangesUnderLoad: add a learner, check it refuses writes
// and linearizable reads, promote it, remove a member (which stops
// itself), replace a member whose data dir was wiped, all while a client
// writes; then every member has the same HashKV at the same revision.
func TestMembershipChangesUnderLoad(t *testing.T) {
	c := newCluster(t, 3)
	cli := newClient(t, c.Endpoints()...)
	w := startWriter(cli, "mb")
	w.waitWrites(t, 20, 30*time.Second)

	// Add a learner and start it with --initial-cluster-state=existing.
	nm := c.NewMember()
	var learnerID uint64
	retry(t, "MemberAddAsLearner", func(ctx context.Context) error {
		resp, err := cli.MemberAddAsLearner(ctx, []string{nm.Proxy.URL()})
		if err == nil {
			learnerID = resp.Member.ID
			if !resp.Member.IsLearner {
				t.Fatalf("added member is not a learner: %+v", resp.Member)
			}
		}
		return err
	}, "unhealthy cluster")
	if err := nm.StartState(ctxT(t, 60*time.Second), "existing", c.InitialCluster()); err != nil {
		t.Fatal(err)
	}
	if memberID(t, nm) != learnerID {
		t.Fatalf("joined as %s, added %x", nm.ID(), learnerID)
	}
	lcli := newClient(t, nm.ClientURL)
	ctx := ctxT(t, 30*time.Second)
	if _, err := lcli.Put(ctx, "learner", "x"); err == nil || !strings.Contains(err.Error(), "rpc not supported for learner") {
		t.Fatalf("put through learner: %v", err)
	}
	if _, err := lcli.Get(ctx, "mb/1"); err == nil || !strings.Contains(err.Error(), "rpc not supported for learner") {
		t.Fatalf("linearizable get through learner: %v", err)
	}
	if _, err := lcli.Get(ctx, "mb/1", clientv3.WithSerializable()); err != nil {
		t.Fatalf("serializable get through learner: %v", err)
	}
	// A second learner is refused (--max-learners 1).
	if _, err := cli.MemberAddAsLearner(ctx, []string{"http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "too many learner members") {
		t.Fatalf("second learner: %v", err)
	}
	// Adding an existing peer URL is refused.
	if _, err := cli.MemberAdd(ctx, []string{c.Members[0].Proxy.URL()}); err == nil || !strings.Contains(err.Error(), "Peer URLs already exists") {
		t.Fatalf("duplicate peer URL: %v", err)
	}
	retry(t, "MemberPromote", func(ctx context.Context) error {
		_, err := cli.MemberPromote(ctx, learnerID)
		if err != nil && strings.HasSuffix(err.Error(), "can only promote a learner member") {
			// An earlier attempt that timed out for the client went through.
			ml, lerr := cli.MemberList(ctx)
			if lerr != nil {
				return lerr
			}
			for _, m := range ml.Members {
				if m.ID == learnerID && !m.IsLearner {
					return nil
				}
			}
		}
		return err
	}, "in sync with leader")
	if _, err := cli.MemberPromote(ctx, learnerID); err == nil || !strings.Contains(err.Error(), "can only promote a learner member") {
		t.Fatalf("promote a voter: %v", err)
	}
	w.waitWrites(t, 20, 30*time.Second)

	// Remove a follower: it stops itself.
	lead := leaderIndex(t, c)
	victim := c.Members[(lead+1)%len(c.Members)]
	removeMember(t, cli, "MemberRemove", memberID(t, victim))
	if !victim.WaitExit(30 * time.Second) {
		t.Fatalf("removed member %s did not stop", victim.Name)
	}
	c.Remove(victim)
	if _, err := cli.MemberRemove(ctx, memberID(t, victim)); err == nil || !strings.Contains(err.Error(), "member not found") {
		t.Fatalf("remove twice: %v", err)
	}
	w.waitWrites(t, 20, 30*time.Second)

	// Replace a member whose data dir is lost: remove it, add it back
	// under the same peer URL, start it empty with "existing".
	lead = leaderIndex(t, c)
	lost := c.Members[(lead+1)%len(c.Members)]
	lostID := memberID(t, lost)
	lost.Kill()
	if err := os.RemoveAll(lost.DataDir()); err != nil {
		t.Fatal(err)
	}
	removeMember(t, cli, "MemberRemove of the lost member", lostID)
	lost.Wipe()
	// A member's ID hashes its peer URLs and the Unix second it was added
	// (as in etcd). When the lost member is the learner added above under
	// the same URL less than a second ago, the replacement gets the removed
	// ID and is refused with "member not found"; a later second gives a
	// new ID.
	var newID uint64
	retry(t, "MemberAdd of the replacement", func(ctx context.Context) error {
		resp, err := cli.MemberAdd(ctx, []string{lost.Proxy.URL()})
		if err == nil {
			newID = resp.Member.ID
		}
		return err
	}, "unhealthy cluster", "not enough started members", "member not found")
	if err := lost.StartState(ctxT(t, 60*time.Second), "existing", c.InitialCluster()); err != nil {
		t.Fatal(err)
	}
	if memberID(t, lost) != newID || newID == lostID {
		t.Fatalf("replacement joined as %s, added %x (old %x)", lost.ID(), newID, lostID)
	}
	w.waitWrites(t, 20, 30*time.Second)
	acked := w.Stop()

	ml, err := cli.MemberList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ml.Members) != len(c.Members) {
		t.Fatalf("MemberList has %d members, want %d: %v", len(ml.Members), len(c.Members), ml.Members)
	}
	for _, m := range ml.Members {
		if m.IsLearner || m.Name == "" {
			t.Fatalf("member %+v", m)
		}
	}
	for _, m := range c.Members {
		checkAcked(t, m.ClientURL, acked)
	}
	resp, err := cli.Get(ctx, "mb/0")
	if err != nil {
		t.Fatal(err)
	}
	hashKVAll(t, c, resp.Header.Revision)
	t.Logf("%d writes acknowledged, %d failed attempts; members %s", w.n.Load(), w.fails.Load(), fmt.Sprint(len(c.Members)))
}
