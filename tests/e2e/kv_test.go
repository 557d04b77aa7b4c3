package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

func keys(kvs []*mvccpb.KeyValue) string {
	var s []string
	for _, kv := range kvs {
		s = append(s, string(kv.Key))
	}
	return strings.Join(s, ",")
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}

func TestKV(t *testing.T) {
	_, cli := startMember(t, e2e.Config{Args: []string{"--max-txn-ops", "8", "--max-request-bytes", "4096"}})
	ctx := ctxT(t)

	// A fresh store is at revision 1; each write adds one.
	r0, err := cli.Get(ctx, "nothing")
	if err != nil {
		t.Fatal(err)
	}
	if r0.Header.Revision != 1 || r0.Count != 0 {
		t.Fatalf("fresh store: rev %d count %d", r0.Header.Revision, r0.Count)
	}
	if r0.Header.ClusterId == 0 || r0.Header.MemberId == 0 || r0.Header.RaftTerm == 0 {
		t.Fatalf("header not filled: %v", r0.Header)
	}

	t.Run("put", func(t *testing.T) {
		p1, err := cli.Put(ctx, "p/a", "1")
		if err != nil {
			t.Fatal(err)
		}
		p2, err := cli.Put(ctx, "p/a", "2", clientv3.WithPrevKV())
		if err != nil {
			t.Fatal(err)
		}
		if p2.Header.Revision != p1.Header.Revision+1 {
			t.Fatalf("revisions %d then %d", p1.Header.Revision, p2.Header.Revision)
		}
		if p2.PrevKv == nil || string(p2.PrevKv.Value) != "1" || p2.PrevKv.ModRevision != p1.Header.Revision {
			t.Fatalf("prev kv %v", p2.PrevKv)
		}
		g, err := cli.Get(ctx, "p/a")
		if err != nil {
			t.Fatal(err)
		}
		kv := g.Kvs[0]
		if string(kv.Value) != "2" || kv.Version != 2 || kv.CreateRevision != p1.Header.Revision || kv.ModRevision != p2.Header.Revision {
			t.Fatalf("kv %v", kv)
		}
		// ignore_value keeps the value, bumps version and revision.
		p3, err := cli.Put(ctx, "p/a", "", clientv3.WithIgnoreValue())
		if err != nil {
			t.Fatal(err)
		}
		g, _ = cli.Get(ctx, "p/a")
		if string(g.Kvs[0].Value) != "2" || g.Kvs[0].Version != 3 || g.Kvs[0].ModRevision != p3.Header.Revision {
			t.Fatalf("after ignore_value: %v", g.Kvs[0])
		}
		_, err = cli.Put(ctx, "p/a", "x", clientv3.WithIgnoreLease())
		if err != nil {
			t.Fatal(err)
		}
		_, err = cli.Put(ctx, "p/missing", "", clientv3.WithIgnoreValue())
		wantErr(t, err, rpctypes.ErrKeyNotFound)
		_, err = cli.Put(ctx, "p/missing", "", clientv3.WithIgnoreLease())
		wantErr(t, err, rpctypes.ErrKeyNotFound)
		_, err = cli.Put(ctx, "p/a", "v", clientv3.WithIgnoreValue())
		wantErr(t, err, rpctypes.ErrValueProvided)
		_, err = cli.Put(ctx, "p/a", "v", clientv3.WithIgnoreLease(), clientv3.WithLease(5))
		wantErr(t, err, rpctypes.ErrLeaseProvided)
		_, err = cli.Put(ctx, "p/a", "v", clientv3.WithLease(12345))
		wantErr(t, err, rpctypes.ErrLeaseNotFound)
		_, err = cli.Put(ctx, "", "v")
		wantErr(t, err, rpctypes.ErrEmptyKey)
		_, err = cli.Put(ctx, "p/big", strings.Repeat("x", 8192))
		wantErr(t, err, rpctypes.ErrRequestTooLarge)
		// Failed writes do not move the revision.
		g2, _ := cli.Get(ctx, "p/a")
		if g2.Header.Revision != g.Header.Revision+1 {
			t.Fatalf("revision moved by failed writes: %d -> %d", g.Header.Revision, g2.Header.Revision)
		}
	})

	t.Run("range", func(t *testing.T) {
		var revs []int64
		for i, k := range []string{"r/c", "r/a", "r/d", "r/b"} {
			resp, err := cli.Put(ctx, k, fmt.Sprintf("v%d", 4-i))
			if err != nil {
				t.Fatal(err)
			}
			revs = append(revs, resp.Header.Revision)
		}
		if _, err := cli.Put(ctx, "r/a", "v9"); err != nil { // r/a: version 2
			t.Fatal(err)
		}
		last := revs[3] + 1
		tests := []struct {
			name  string
			key   string
			opts  []clientv3.OpOption
			want  string
			count int64
			more  bool
		}{
			{"single", "r/b", nil, "r/b", 1, false},
			{"prefix", "r/", []clientv3.OpOption{clientv3.WithPrefix()}, "r/a,r/b,r/c,r/d", 4, false},
			{"range", "r/a", []clientv3.OpOption{clientv3.WithRange("r/c")}, "r/a,r/b", 2, false},
			{"from key", "r/c", []clientv3.OpOption{clientv3.WithFromKey()}, "r/c,r/d", 2, false},
			{"limit", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithLimit(2)}, "r/a,r/b", 4, true},
			{"limit exact", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithLimit(4)}, "r/a,r/b,r/c,r/d", 4, false},
			{"sort key desc", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortDescend)}, "r/d,r/c,r/b,r/a", 4, false},
			{"sort value asc", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByValue, clientv3.SortAscend)}, "r/b,r/d,r/c,r/a", 4, false},
			{"sort create desc", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortDescend)}, "r/b,r/d,r/a,r/c", 4, false},
			{"sort mod asc", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByModRevision, clientv3.SortAscend)}, "r/c,r/d,r/b,r/a", 4, false},
			{"sort version desc", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByVersion, clientv3.SortDescend), clientv3.WithLimit(1)}, "r/a", 4, true},
			{"sort mod desc limit", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByModRevision, clientv3.SortDescend), clientv3.WithLimit(2)}, "r/a,r/b", 4, true},
			{"at revision", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithRev(revs[1])}, "r/a,r/c", 2, false},
			{"min mod", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithMinModRev(revs[3])}, "r/a,r/b", 4, false},
			{"max mod", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithMaxModRev(revs[2])}, "r/c,r/d", 4, false},
			{"min create", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithMinCreateRev(revs[2])}, "r/b,r/d", 4, false},
			{"max create", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithMaxCreateRev(revs[1])}, "r/a,r/c", 4, false},
			{"serializable", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSerializable()}, "r/a,r/b,r/c,r/d", 4, false},
			{"count only", "r/", []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithCountOnly()}, "", 4, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, err := cli.Get(ctx, tt.key, tt.opts...)
				if err != nil {
					t.Fatal(err)
				}
				if got := keys(resp.Kvs); got != tt.want || resp.Count != tt.count || resp.More != tt.more {
					t.Fatalf("got %q count %d more %v; want %q count %d more %v", got, resp.Count, resp.More, tt.want, tt.count, tt.more)
				}
				if resp.Header.Revision < last {
					t.Fatalf("header revision %d < %d", resp.Header.Revision, last)
				}
			})
		}
		ko, err := cli.Get(ctx, "r/a", clientv3.WithKeysOnly())
		if err != nil || len(ko.Kvs) != 1 || ko.Kvs[0].Value != nil || ko.Kvs[0].Version != 2 {
			t.Fatalf("keys only: %v %v", ko, err)
		}
		_, err = cli.Get(ctx, "r/a", clientv3.WithRev(last+1000))
		wantErr(t, err, rpctypes.ErrFutureRev)
		_, err = cli.Get(ctx, "")
		wantErr(t, err, rpctypes.ErrEmptyKey)
	})

	t.Run("delete", func(t *testing.T) {
		for _, k := range []string{"d/a", "d/b", "d/c"} {
			if _, err := cli.Put(ctx, k, k); err != nil {
				t.Fatal(err)
			}
		}
		d0, err := cli.Delete(ctx, "d/none")
		if err != nil || d0.Deleted != 0 {
			t.Fatalf("delete none: %v %v", d0, err)
		}
		g, _ := cli.Get(ctx, "d/a")
		if d0.Header.Revision != g.Header.Revision {
			t.Fatalf("deleting nothing moved the revision")
		}
		d1, err := cli.Delete(ctx, "d/a", clientv3.WithPrevKV())
		if err != nil || d1.Deleted != 1 || len(d1.PrevKvs) != 1 || string(d1.PrevKvs[0].Value) != "d/a" {
			t.Fatalf("delete one: %v %v", d1, err)
		}
		if d1.Header.Revision != g.Header.Revision+1 {
			t.Fatalf("delete revision %d, want %d", d1.Header.Revision, g.Header.Revision+1)
		}
		d2, err := cli.Delete(ctx, "d/", clientv3.WithPrefix(), clientv3.WithPrevKV())
		if err != nil || d2.Deleted != 2 || keys(d2.PrevKvs) != "d/b,d/c" || d2.Header.Revision != d1.Header.Revision+1 {
			t.Fatalf("delete prefix: %v %v", d2, err)
		}
		g, _ = cli.Get(ctx, "d/", clientv3.WithPrefix())
		if g.Count != 0 {
			t.Fatalf("keys left: %v", g.Kvs)
		}
		// A key recreated after delete starts again at version 1.
		if _, err := cli.Put(ctx, "d/a", "again"); err != nil {
			t.Fatal(err)
		}
		g, _ = cli.Get(ctx, "d/a")
		if g.Kvs[0].Version != 1 || g.Kvs[0].CreateRevision != g.Header.Revision {
			t.Fatalf("recreated: %v", g.Kvs[0])
		}
		_, err = cli.Delete(ctx, "")
		wantErr(t, err, rpctypes.ErrEmptyKey)
	})

	t.Run("txn", func(t *testing.T) {
		p, err := cli.Put(ctx, "t/a", "1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Put(ctx, "t/b", "2"); err != nil {
			t.Fatal(err)
		}
		cmps := []struct {
			name string
			cmp  clientv3.Cmp
			want bool
		}{
			{"value =", clientv3.Compare(clientv3.Value("t/a"), "=", "1"), true},
			{"value !=", clientv3.Compare(clientv3.Value("t/a"), "!=", "1"), false},
			{"value >", clientv3.Compare(clientv3.Value("t/a"), ">", "0"), true},
			{"value <", clientv3.Compare(clientv3.Value("t/a"), "<", "0"), false},
			{"value missing", clientv3.Compare(clientv3.Value("t/zz"), "=", ""), false},
			{"version", clientv3.Compare(clientv3.Version("t/a"), "=", 1), true},
			{"version missing", clientv3.Compare(clientv3.Version("t/zz"), "=", 0), true},
			{"create", clientv3.Compare(clientv3.CreateRevision("t/a"), "=", p.Header.Revision), true},
			{"mod", clientv3.Compare(clientv3.ModRevision("t/a"), "<", p.Header.Revision), false},
			{"lease", clientv3.Compare(clientv3.LeaseValue("t/a"), "=", clientv3.NoLease), true},
			{"range all", clientv3.Compare(clientv3.Version("t/"), "=", 1).WithPrefix(), true},
			{"range some", clientv3.Compare(clientv3.Value("t/"), "=", "1").WithPrefix(), false},
			{"range end", clientv3.Compare(clientv3.CreateRevision("t/a"), ">", 0).WithRange("t/b"), true},
		}
		for _, c := range cmps {
			t.Run(c.name, func(t *testing.T) {
				resp, err := cli.Txn(ctx).If(c.cmp).Then(clientv3.OpGet("t/a")).Else(clientv3.OpGet("t/b")).Commit()
				if err != nil {
					t.Fatal(err)
				}
				if resp.Succeeded != c.want {
					t.Fatalf("succeeded %v, want %v", resp.Succeeded, c.want)
				}
				want := map[bool]string{true: "t/a", false: "t/b"}[c.want]
				if got := keys(resp.Responses[0].GetResponseRange().Kvs); got != want {
					t.Fatalf("branch read %q, want %q", got, want)
				}
			})
		}

		// A write txn: one revision for all its writes, sub-responses in order.
		g, _ := cli.Get(ctx, "t/a")
		rev := g.Header.Revision
		resp, err := cli.Txn(ctx).If(clientv3.Compare(clientv3.Value("t/a"), "=", "1")).
			Then(clientv3.OpPut("t/a", "10", clientv3.WithPrevKV()), clientv3.OpPut("t/c", "3"), clientv3.OpDelete("t/b", clientv3.WithPrevKV()), clientv3.OpGet("t/", clientv3.WithPrefix())).
			Commit()
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Succeeded || resp.Header.Revision != rev+1 || len(resp.Responses) != 4 {
			t.Fatalf("txn: %v", resp)
		}
		if pr := resp.Responses[0].GetResponsePut(); pr.Header.Revision != rev+1 || string(pr.PrevKv.Value) != "1" {
			t.Fatalf("put response %v", pr)
		}
		if dr := resp.Responses[2].GetResponseDeleteRange(); dr.Deleted != 1 || string(dr.PrevKvs[0].Value) != "2" {
			t.Fatalf("delete response %v", dr)
		}
		if rr := resp.Responses[3].GetResponseRange(); keys(rr.Kvs) != "t/a,t/c" || string(rr.Kvs[0].Value) != "10" {
			t.Fatalf("range in txn sees %v", rr.Kvs)
		}
		g, _ = cli.Get(ctx, "t/c")
		if g.Kvs[0].ModRevision != rev+1 || g.Header.Revision != rev+1 {
			t.Fatalf("txn writes at %d, header %d; want %d", g.Kvs[0].ModRevision, g.Header.Revision, rev+1)
		}

		// A txn whose chosen branch only reads does not move the revision.
		resp, err = cli.Txn(ctx).If(clientv3.Compare(clientv3.Value("t/a"), "=", "nope")).Then(clientv3.OpPut("t/x", "x")).Else(clientv3.OpGet("t/a")).Commit()
		if err != nil || resp.Succeeded || resp.Header.Revision != rev+1 {
			t.Fatalf("failed-compare txn: %v %v", resp, err)
		}
		// Empty txn.
		resp, err = cli.Txn(ctx).Commit()
		if err != nil || !resp.Succeeded || resp.Header.Revision != rev+1 {
			t.Fatalf("empty txn: %v %v", resp, err)
		}

		// Nested txns follow their own compares.
		resp, err = cli.Txn(ctx).Then(
			clientv3.OpTxn([]clientv3.Cmp{clientv3.Compare(clientv3.Value("t/a"), "=", "10")},
				[]clientv3.Op{clientv3.OpPut("t/n1", "yes")}, []clientv3.Op{clientv3.OpPut("t/n1", "no")}),
			clientv3.OpTxn([]clientv3.Cmp{clientv3.Compare(clientv3.Value("t/a"), "=", "11")},
				[]clientv3.Op{clientv3.OpPut("t/n2", "yes")}, []clientv3.Op{clientv3.OpPut("t/n2", "no")}),
		).Commit()
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Responses[0].GetResponseTxn().Succeeded || resp.Responses[1].GetResponseTxn().Succeeded {
			t.Fatalf("nested: %v", resp)
		}
		g, _ = cli.Get(ctx, "t/n", clientv3.WithPrefix())
		if len(g.Kvs) != 2 || string(g.Kvs[0].Value) != "yes" || string(g.Kvs[1].Value) != "no" || g.Kvs[0].ModRevision != g.Kvs[1].ModRevision {
			t.Fatalf("nested writes %v", g.Kvs)
		}

		// Checks before raft.
		errTests := []struct {
			name string
			txn  clientv3.Txn
			want error
		}{
			{"duplicate put", cli.Txn(ctx).Then(clientv3.OpPut("t/d", "1"), clientv3.OpPut("t/d", "2")), rpctypes.ErrDuplicateKey},
			{"put in deleted range", cli.Txn(ctx).Then(clientv3.OpDelete("t/", clientv3.WithPrefix()), clientv3.OpPut("t/d", "2")), rpctypes.ErrDuplicateKey},
			{"put in nested and outer", cli.Txn(ctx).Then(clientv3.OpPut("t/d", "1"), clientv3.OpTxn(nil, []clientv3.Op{clientv3.OpPut("t/d", "2")}, nil)), rpctypes.ErrDuplicateKey},
			{"too many ops", cli.Txn(ctx).Then(clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a"), clientv3.OpGet("a")), rpctypes.ErrTooManyOps},
			{"empty key", cli.Txn(ctx).Then(clientv3.OpPut("", "1")), rpctypes.ErrEmptyKey},
			{"future rev in branch", cli.Txn(ctx).Then(clientv3.OpGet("t/a", clientv3.WithRev(rev+1000))), rpctypes.ErrFutureRev},
			{"ignore value on missing", cli.Txn(ctx).Then(clientv3.OpPut("t/none", "", clientv3.WithIgnoreValue())), rpctypes.ErrKeyNotFound},
		}
		for _, tt := range errTests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tt.txn.Commit()
				wantErr(t, err, tt.want)
			})
		}
		// then and else may put the same key; deletes may overlap.
		if _, err := cli.Txn(ctx).If(clientv3.Compare(clientv3.Value("t/a"), "=", "10")).Then(clientv3.OpPut("t/e", "then")).Else(clientv3.OpPut("t/e", "else")).Commit(); err != nil {
			t.Fatal(err)
		}
		if _, err := cli.Txn(ctx).Then(clientv3.OpDelete("t/e"), clientv3.OpDelete("t/", clientv3.WithPrefix())).Commit(); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("compact", func(t *testing.T) {
		var revs []int64
		for i := 0; i < 5; i++ {
			resp, err := cli.Put(ctx, "c/k", fmt.Sprint(i))
			if err != nil {
				t.Fatal(err)
			}
			revs = append(revs, resp.Header.Revision)
		}
		if _, err := cli.Compact(ctx, revs[2], clientv3.WithCompactPhysical()); err != nil {
			t.Fatal(err)
		}
		_, err := cli.Get(ctx, "c/k", clientv3.WithRev(revs[1]))
		wantErr(t, err, rpctypes.ErrCompacted)
		g, err := cli.Get(ctx, "c/k", clientv3.WithRev(revs[2]))
		if err != nil || string(g.Kvs[0].Value) != "2" {
			t.Fatalf("read at compact revision: %v %v", g, err)
		}
		_, err = cli.Compact(ctx, revs[1])
		wantErr(t, err, rpctypes.ErrCompacted)
		_, err = cli.Compact(ctx, revs[4]+100)
		wantErr(t, err, rpctypes.ErrFutureRev)
		_, err = cli.Txn(ctx).Then(clientv3.OpGet("c/k", clientv3.WithRev(revs[0]))).Commit()
		wantErr(t, err, rpctypes.ErrCompacted)
	})

	t.Run("maintenance", func(t *testing.T) {
		ep := cli.Endpoints()[0]
		st, err := cli.Status(ctx, ep)
		if err != nil {
			t.Fatal(err)
		}
		if st.Version != "3.7.3" || st.Leader != st.Header.MemberId || st.RaftIndex == 0 || st.RaftTerm == 0 || st.RaftAppliedIndex == 0 || st.DbSize == 0 || st.DbSizeInUse == 0 || st.IsLearner {
			t.Fatalf("status %+v", st)
		}
		h1, err := cli.HashKV(ctx, ep, 0)
		if err != nil {
			t.Fatal(err)
		}
		h2, err := cli.HashKV(ctx, ep, h1.HashRevision)
		if err != nil || h2.Hash != h1.Hash || h1.HashRevision != h1.Header.Revision {
			t.Fatalf("hashkv %v / %v %v", h1, h2, err)
		}
		if _, err := cli.Put(ctx, "m/k", "v"); err != nil {
			t.Fatal(err)
		}
		h3, err := cli.HashKV(ctx, ep, 0)
		if err != nil || h3.Hash == h1.Hash {
			t.Fatalf("hash did not change: %v %v", h3, err)
		}
	})
}
