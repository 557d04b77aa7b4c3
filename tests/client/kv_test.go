package client

import (
	"errors"
	"fmt"
	"testing"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func keysOf(resp *clientv3.GetResponse) []string {
	out := make([]string, len(resp.Kvs))
	for i, kv := range resp.Kvs {
		out[i] = string(kv.Key)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestKVGetOptions(t *testing.T) {
	forEachServer(t, testKVGetOptions)
}

func testKVGetOptions(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	var revs []int64
	for _, k := range []string{"a", "b", "c", "d"} {
		resp, err := cli.Put(ctx, p+k, "v-"+k)
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, resp.Header.Revision)
	}
	if _, err := cli.Put(ctx, p+"a", "v-a2"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		key   string
		opts  []clientv3.OpOption
		want  []string
		count int64
	}{
		{"single", p + "b", nil, []string{p + "b"}, 1},
		{"missing", p + "zz", nil, nil, 0},
		{"prefix", p, []clientv3.OpOption{clientv3.WithPrefix()}, []string{p + "a", p + "b", p + "c", p + "d"}, 4},
		{"range", p + "b", []clientv3.OpOption{clientv3.WithRange(p + "d")}, []string{p + "b", p + "c"}, 2},
		{"from key", p + "c", []clientv3.OpOption{clientv3.WithFromKey(), clientv3.WithLimit(2)}, []string{p + "c", p + "d"}, -1},
		{"limit", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithLimit(2)}, []string{p + "a", p + "b"}, 4},
		{"sort desc", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortDescend)}, []string{p + "d", p + "c", p + "b", p + "a"}, 4},
		{"sort by mod rev", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByModRevision, clientv3.SortAscend)}, []string{p + "b", p + "c", p + "d", p + "a"}, 4},
		{"last create", p, clientv3.WithLastCreate(), []string{p + "d"}, 4},
		{"first rev", p, clientv3.WithFirstRev(), []string{p + "b"}, 4},
		{"at revision", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithRev(revs[1])}, []string{p + "a", p + "b"}, 2},
		{"min mod rev", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithMinModRev(revs[3])}, []string{p + "a", p + "d"}, 4},
		{"max create rev", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithMaxCreateRev(revs[1])}, []string{p + "a", p + "b"}, 4},
		{"serializable", p + "a", []clientv3.OpOption{clientv3.WithSerializable()}, []string{p + "a"}, 1},
		{"count only", p, []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithCountOnly()}, nil, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := cli.Get(ctx, tt.key, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := keysOf(resp); !equalStrings(got, tt.want) {
				t.Fatalf("keys = %q, want %q", got, tt.want)
			}
			if tt.count >= 0 && resp.Count != tt.count {
				t.Fatalf("count = %d, want %d", resp.Count, tt.count)
			}
		})
	}

	t.Run("keys only", func(t *testing.T) {
		resp, err := cli.Get(ctx, p+"a", clientv3.WithKeysOnly())
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Kvs) != 1 || len(resp.Kvs[0].Value) != 0 || resp.Kvs[0].Version != 2 {
			t.Fatalf("got %v", resp.Kvs)
		}
	})
}

func TestKVPutDeleteOptions(t *testing.T) {
	forEachServer(t, testKVPutDeleteOptions)
}

func testKVPutDeleteOptions(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)

	if _, err := cli.Put(ctx, p+"k", "v1"); err != nil {
		t.Fatal(err)
	}
	put, err := cli.Put(ctx, p+"k", "v2", clientv3.WithPrevKV())
	if err != nil {
		t.Fatal(err)
	}
	if put.PrevKv == nil || string(put.PrevKv.Value) != "v1" {
		t.Fatalf("prev kv = %v", put.PrevKv)
	}

	lease, err := cli.Grant(ctx, 60)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(ctx, p+"k", "v3", clientv3.WithLease(lease.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(ctx, p+"k", "", clientv3.WithIgnoreValue(), clientv3.WithIgnoreLease()); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(ctx, p+"k", "v4", clientv3.WithIgnoreLease()); err != nil {
		t.Fatal(err)
	}
	get, err := cli.Get(ctx, p+"k")
	if err != nil {
		t.Fatal(err)
	}
	if kv := get.Kvs[0]; string(kv.Value) != "v4" || clientv3.LeaseID(kv.Lease) != lease.ID {
		t.Fatalf("got value %q lease %x, want v4 and %x", kv.Value, kv.Lease, lease.ID)
	}

	for _, k := range []string{"x1", "x2", "x3"} {
		if _, err := cli.Put(ctx, p+k, k); err != nil {
			t.Fatal(err)
		}
	}
	del, err := cli.Delete(ctx, p+"x", clientv3.WithPrefix(), clientv3.WithPrevKV())
	if err != nil {
		t.Fatal(err)
	}
	if del.Deleted != 3 || len(del.PrevKvs) != 3 {
		t.Fatalf("deleted %d, prev %d", del.Deleted, len(del.PrevKvs))
	}
}

func TestKVErrorsAreRPCTypes(t *testing.T) {
	forEachServer(t, testKVErrorsAreRPCTypes)
}

func testKVErrorsAreRPCTypes(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	put, err := cli.Put(ctx, p+"k", "v")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"empty key", func() error { _, err := cli.Put(ctx, "", "v"); return err }, rpctypes.ErrEmptyKey},
		{"future rev", func() error { _, err := cli.Get(ctx, p+"k", clientv3.WithRev(put.Header.Revision+1000)); return err }, rpctypes.ErrFutureRev},
		{"lease not found", func() error { _, err := cli.Put(ctx, p+"k", "v", clientv3.WithLease(0x1234)); return err }, rpctypes.ErrLeaseNotFound},
		{"ignore value missing key", func() error { _, err := cli.Put(ctx, p+"nokey", "", clientv3.WithIgnoreValue()); return err }, rpctypes.ErrKeyNotFound},
		{"invalid sort", func() error {
			_, err := cli.Get(ctx, p, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortTarget(99), clientv3.SortAscend))
			return err
		}, rpctypes.ErrInvalidSortOption},
		{"duplicate key in txn", func() error {
			_, err := cli.Txn(ctx).Then(clientv3.OpPut(p+"d", "1"), clientv3.OpPut(p+"d", "2")).Commit()
			return err
		}, rpctypes.ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) || err != tt.want {
				t.Fatalf("err = %v (%T), want %v", err, err, tt.want)
			}
		})
	}
}

func TestTxnIfThenElse(t *testing.T) {
	forEachServer(t, testTxnIfThenElse)
}

func testTxnIfThenElse(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	put, err := cli.Put(ctx, p+"k", "v1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cmp  clientv3.Cmp
		want bool
	}{
		{"value equal", clientv3.Compare(clientv3.Value(p+"k"), "=", "v1"), true},
		{"value not equal", clientv3.Compare(clientv3.Value(p+"k"), "!=", "v1"), false},
		{"version", clientv3.Compare(clientv3.Version(p+"k"), "=", 1), true},
		{"create rev", clientv3.Compare(clientv3.CreateRevision(p+"k"), "=", put.Header.Revision), true},
		{"mod rev less", clientv3.Compare(clientv3.ModRevision(p+"k"), "<", put.Header.Revision), false},
		{"lease", clientv3.Compare(clientv3.LeaseValue(p+"k"), "=", clientv3.NoLease), true},
		{"missing key", clientv3.Compare(clientv3.CreateRevision(p+"missing"), "=", 0), true},
		{"prefix", clientv3.Compare(clientv3.Version(p), ">", 0).WithPrefix(), true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			then := fmt.Sprintf("%sthen%d", p, i)
			resp, err := cli.Txn(ctx).If(tt.cmp).
				Then(clientv3.OpPut(then, "x"), clientv3.OpGet(p+"k")).
				Else(clientv3.OpGet(p + "k")).
				Commit()
			if err != nil {
				t.Fatal(err)
			}
			if resp.Succeeded != tt.want {
				t.Fatalf("succeeded = %v, want %v", resp.Succeeded, tt.want)
			}
			last := resp.Responses[len(resp.Responses)-1].GetResponseRange()
			if string(last.Kvs[0].Value) != "v1" {
				t.Fatalf("range in txn = %v", last.Kvs)
			}
		})
	}

	t.Run("do", func(t *testing.T) {
		op := clientv3.OpTxn(
			[]clientv3.Cmp{clientv3.Compare(clientv3.Value(p+"k"), "=", "v1")},
			[]clientv3.Op{clientv3.OpPut(p+"k", "v2")}, nil)
		r, err := cli.Do(ctx, op)
		if err != nil || !r.Txn().Succeeded {
			t.Fatalf("do txn: %v %v", r.Txn(), err)
		}
		g, err := cli.Do(ctx, clientv3.OpGet(p+"k"))
		if err != nil || string(g.Get().Kvs[0].Value) != "v2" {
			t.Fatalf("do get: %v %v", g.Get(), err)
		}
	})
}

func TestCompact(t *testing.T) {
	forEachServer(t, testCompact)
}

func testCompact(t *testing.T, srv *server) {
	cli := srv.single(t)
	ctx := testCtx(t)
	p := keyPrefix(t)
	first, err := cli.Put(ctx, p+"k", "v1")
	if err != nil {
		t.Fatal(err)
	}
	second, err := cli.Put(ctx, p+"k", "v2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Compact(ctx, second.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Get(ctx, p+"k", clientv3.WithRev(first.Header.Revision)); err != rpctypes.ErrCompacted {
		t.Fatalf("get compacted revision: err = %v, want ErrCompacted", err)
	}
	wch := cli.Watch(ctx, p+"k", clientv3.WithRev(first.Header.Revision))
	wr, ok := <-wch
	if !ok || wr.Err() != rpctypes.ErrCompacted || wr.CompactRevision != second.Header.Revision || !wr.Canceled {
		t.Fatalf("watch on compacted revision: %+v, err %v", wr, wr.Err())
	}
	if _, ok := <-wch; ok {
		t.Fatal("watch channel not closed after compaction error")
	}
}
