package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// TestQuotaNoSpace fills a small quota: the write that would cross it fails
// with ErrNoSpace and raises this member's NOSPACE alarm, which then keeps
// refusing writes (not reads, deletes or compaction) until disarmed; a
// disarmed member still over its quota raises it again on the next write,
// as etcd does.
func TestQuotaNoSpace(t *testing.T) {
	p, cli := startMember(t, e2e.Config{Args: []string{"--quota-backend-bytes", fmt.Sprint(256 * 1024)}})
	ctx := ctxT(t)
	val := strings.Repeat("x", 8*1024)

	var lastErr error
	n := 0
	for ; n < 1000; n++ {
		if _, lastErr = cli.Put(ctx, fmt.Sprintf("k%04d", n), val); lastErr != nil {
			break
		}
	}
	if !errors.Is(lastErr, rpctypes.ErrNoSpace) {
		t.Fatalf("after %d puts: %v, want %v", n, lastErr, rpctypes.ErrNoSpace)
	}
	if n == 0 {
		t.Fatal("the first put already failed")
	}

	checkAlarm := func(when string) {
		t.Helper()
		al, err := cli.AlarmList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(al.Alarms) != 1 || al.Alarms[0].Alarm != etcdserverpb.AlarmType_NOSPACE || al.Alarms[0].MemberID != al.Header.MemberId {
			t.Fatalf("%s: alarms %v, want NOSPACE of member %x", when, al.Alarms, al.Header.MemberId)
		}
		st, err := cli.Status(ctx, p.ClientURL)
		if err != nil {
			t.Fatal(err)
		}
		// etcd's text form, with protobuf-go's random spacing removed.
		want := fmt.Sprintf("memberID:%d alarm:NOSPACE", al.Header.MemberId)
		if len(st.Errors) != 1 || strings.Join(strings.Fields(st.Errors[0]), " ") != want {
			t.Fatalf("%s: status errors %q, want [%q]", when, st.Errors, want)
		}
	}
	checkAlarm("after the failed put")

	// Small writes are refused by the alarm too, reads and deletes pass.
	if _, err := cli.Put(ctx, "small", "v"); !errors.Is(err, rpctypes.ErrNoSpace) {
		t.Fatalf("put under alarm: %v", err)
	}
	if _, err := cli.Grant(ctx, 10); !errors.Is(err, rpctypes.ErrNoSpace) {
		t.Fatalf("lease grant under alarm: %v", err)
	}
	txn, err := cli.Txn(ctx).Then(clientv3.OpGet("k0000")).Commit()
	if err != nil || len(txn.Responses) != 1 {
		t.Fatalf("read-only txn under alarm: %v %v", txn, err)
	}
	g, err := cli.Get(ctx, "k", clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil || g.Count != int64(n) {
		t.Fatalf("get under alarm: count %v err %v, want %d", g, err, n)
	}
	d, err := cli.Delete(ctx, "k", clientv3.WithPrefix())
	if err != nil || d.Deleted != int64(n) {
		t.Fatalf("delete under alarm: %v %v", d, err)
	}
	if _, err := cli.Compact(ctx, d.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		t.Fatalf("compact under alarm: %v", err)
	}
	checkAlarm("after delete and compact")

	// Disarm: the file did not shrink (no defragment), so the next write is
	// still over quota and raises the alarm again.
	dis, err := cli.AlarmDisarm(ctx, &clientv3.AlarmMember{MemberID: g.Header.MemberId, Alarm: etcdserverpb.AlarmType_NOSPACE})
	if err != nil || len(dis.Alarms) != 1 {
		t.Fatalf("disarm: %v %v", dis, err)
	}
	if al, err := cli.AlarmList(ctx); err != nil || len(al.Alarms) != 0 {
		t.Fatalf("alarms after disarm: %v %v", al, err)
	}
	if _, err := cli.Put(ctx, "big", val); !errors.Is(err, rpctypes.ErrNoSpace) {
		t.Fatalf("put over quota after disarm: %v", err)
	}
	checkAlarm("after the next put over quota")

	// The alarm survives a restart (it lives in the alarm bucket).
	p.Stop()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cli = newClient(t, p.ClientURL)
	checkAlarm("after restart")
	if _, err := cli.Put(ctx, "small", "v"); !errors.Is(err, rpctypes.ErrNoSpace) {
		t.Fatalf("put under alarm after restart: %v", err)
	}
}
