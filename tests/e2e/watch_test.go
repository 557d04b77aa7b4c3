package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// nextResp waits for the next response of a watch channel.
func nextResp(t *testing.T, ch clientv3.WatchChan) clientv3.WatchResponse {
	t.Helper()
	select {
	case r, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed")
		}
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("no watch response")
	}
	return clientv3.WatchResponse{}
}

// collect reads events until n arrived.
func collect(t *testing.T, ch clientv3.WatchChan, n int) []*clientv3.Event {
	t.Helper()
	var evs []*clientv3.Event
	for len(evs) < n {
		r := nextResp(t, ch)
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, r.Events...)
	}
	if len(evs) != n {
		t.Fatalf("got %d events, want %d", len(evs), n)
	}
	return evs
}

func evString(evs []*clientv3.Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf("%s %s=%s@%d;", e.Type, e.Kv.Key, e.Kv.Value, e.Kv.ModRevision)
	}
	return s
}

func TestWatch(t *testing.T) {
	_, cli := startMember(t, e2e.Config{Args: []string{"--watch-progress-notify-interval", "200ms"}})
	ctx := ctxT(t)

	t.Run("replay from start revision", func(t *testing.T) {
		r1, _ := cli.Put(ctx, "replay/a", "1")
		cli.Put(ctx, "replay/b", "2")
		cli.Delete(ctx, "replay/a")
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := cli.Watch(wctx, "replay/", clientv3.WithPrefix(), clientv3.WithRev(r1.Header.Revision))
		evs := collect(t, ch, 3)
		want := fmt.Sprintf("PUT replay/a=1@%d;PUT replay/b=2@%d;DELETE replay/a=@%d;", r1.Header.Revision, r1.Header.Revision+1, r1.Header.Revision+2)
		if got := evString(evs); got != want {
			t.Fatalf("got %s\nwant %s", got, want)
		}
	})

	t.Run("prefix, single key and from-key ranges", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pre := cli.Watch(wctx, "rng/a", clientv3.WithPrefix())
		one := cli.Watch(wctx, "rng/a")
		from := cli.Watch(wctx, "rng/b", clientv3.WithFromKey())
		for _, k := range []string{"rng/a", "rng/ab", "rng/b", "rng/c"} {
			if _, err := cli.Put(ctx, k, "v"); err != nil {
				t.Fatal(err)
			}
		}
		if got := evString(collect(t, pre, 2)); got == "" || got[:10] != "PUT rng/a=" {
			t.Fatalf("prefix: %s", got)
		}
		if evs := collect(t, one, 1); string(evs[0].Kv.Key) != "rng/a" {
			t.Fatalf("key: %s", evString(evs))
		}
		if evs := collect(t, from, 2); string(evs[0].Kv.Key) != "rng/b" || string(evs[1].Kv.Key) != "rng/c" {
			t.Fatalf("from key: %s", evString(evs))
		}
	})

	t.Run("filters and prev_kv", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		noPut := cli.Watch(wctx, "flt", clientv3.WithFilterPut())
		noDel := cli.Watch(wctx, "flt", clientv3.WithFilterDelete(), clientv3.WithPrevKV())
		cli.Put(ctx, "flt", "1")
		cli.Put(ctx, "flt", "2")
		cli.Delete(ctx, "flt")
		cli.Put(ctx, "flt", "3")
		dels := collect(t, noPut, 1)
		if dels[0].Type != mvccpb.DELETE {
			t.Fatalf("no-put watcher got %s", evString(dels))
		}
		puts := collect(t, noDel, 3)
		if evString(puts) == "" || puts[0].PrevKv != nil || puts[1].PrevKv == nil || string(puts[1].PrevKv.Value) != "1" || puts[2].PrevKv != nil {
			t.Fatalf("no-delete watcher: %s prev %v %v %v", evString(puts), puts[0].PrevKv, puts[1].PrevKv, puts[2].PrevKv)
		}
		if !puts[0].IsCreate() || !puts[1].IsModify() || !puts[2].IsCreate() {
			t.Fatalf("create/modify flags wrong: %s", evString(puts))
		}
	})

	t.Run("one txn is one response", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := cli.Watch(wctx, "txn/", clientv3.WithPrefix())
		cli.Put(ctx, "txn/x", "old")
		nextResp(t, ch)
		tr, err := cli.Txn(ctx).Then(clientv3.OpPut("txn/a", "1"), clientv3.OpPut("txn/b", "2"), clientv3.OpDelete("txn/x")).Commit()
		if err != nil {
			t.Fatal(err)
		}
		r := nextResp(t, ch)
		if len(r.Events) != 3 || r.Header.Revision != tr.Header.Revision {
			t.Fatalf("txn response: %s rev %d (txn %d)", evString(r.Events), r.Header.Revision, tr.Header.Revision)
		}
		for _, e := range r.Events {
			if e.Kv.ModRevision != tr.Header.Revision {
				t.Fatalf("event at %d, txn at %d", e.Kv.ModRevision, tr.Header.Revision)
			}
		}
	})

	t.Run("progress notify", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		cur, _ := cli.Get(ctx, "anything")
		ch := cli.Watch(wctx, "quiet", clientv3.WithProgressNotify())
		for {
			r := nextResp(t, ch)
			if r.IsProgressNotify() {
				if r.Header.Revision < cur.Header.Revision {
					t.Fatalf("progress revision %d below %d", r.Header.Revision, cur.Header.Revision)
				}
				return
			}
		}
	})

	t.Run("stream-wide progress request", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := cli.Watch(wctx, "prog/", clientv3.WithPrefix(), clientv3.WithRev(1))
		p, _ := cli.Put(ctx, "prog/a", "1")
		if err := cli.RequestProgress(wctx); err != nil {
			t.Fatal(err)
		}
		// Every event up to the progress revision arrives before it.
		var seen int64
		for {
			r := nextResp(t, ch)
			for _, e := range r.Events {
				seen = e.Kv.ModRevision
			}
			if r.IsProgressNotify() {
				if seen < p.Header.Revision || r.Header.Revision < p.Header.Revision {
					t.Fatalf("progress at %d before event %d (seen %d)", r.Header.Revision, p.Header.Revision, seen)
				}
				return
			}
		}
	})

	t.Run("cancel", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		ch := cli.Watch(wctx, "cxl")
		cli.Put(ctx, "cxl", "1")
		nextResp(t, ch)
		cancel()
		for range ch {
		}
	})

	t.Run("compacted start revision", func(t *testing.T) {
		r1, _ := cli.Put(ctx, "cmp", "1")
		r2, _ := cli.Put(ctx, "cmp", "2")
		if _, err := cli.Compact(ctx, r2.Header.Revision); err != nil {
			t.Fatal(err)
		}
		ch := cli.Watch(ctx, "cmp", clientv3.WithRev(r1.Header.Revision))
		r := nextResp(t, ch)
		if !r.Canceled || r.CompactRevision != r2.Header.Revision || !errors.Is(r.Err(), rpctypes.ErrCompacted) {
			t.Fatalf("canceled %v compact %d err %v", r.Canceled, r.CompactRevision, r.Err())
		}
	})
}

// TestWatchRaw drives the Watch stream directly: client-chosen IDs,
// reuse, fragments, many watchers on one stream.
func TestWatchRaw(t *testing.T) {
	_, cli := startMember(t, e2e.Config{Args: []string{"--max-request-bytes", "4096"}})
	ctx := ctxT(t)
	wc := pb.NewWatchClient(cli.ActiveConnection())
	st, err := wc.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	create := func(id int64, key string, frag bool) {
		t.Helper()
		if err := st.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{
			Key: []byte(key), RangeEnd: []byte(key + "\xff"), WatchId: id, Fragment: frag}}}); err != nil {
			t.Fatal(err)
		}
	}
	recv := func() *pb.WatchResponse {
		t.Helper()
		r, err := st.Recv()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	create(7, "raw/", false)
	if r := recv(); !r.Created || r.WatchId != 7 || r.Canceled {
		t.Fatalf("create 7: %v", r)
	}
	create(7, "raw/", false)
	if r := recv(); !r.Created || !r.Canceled || r.WatchId != -1 || r.CancelReason != "mvcc: duplicate watch ID provided on the WatchStream" {
		t.Fatalf("reuse of 7: %v", r)
	}
	// Many watchers on one stream, each told apart by ID.
	const n = 50
	for i := 0; i < n; i++ {
		create(100+int64(i), fmt.Sprintf("many/%02d/", i), false)
		if r := recv(); r.WatchId != 100+int64(i) {
			t.Fatalf("created %v", r)
		}
	}
	for i := 0; i < n; i++ {
		cli.Put(ctx, fmt.Sprintf("many/%02d/k", i), "v")
	}
	got := map[int64]int{}
	for len(got) < n {
		r := recv()
		if len(r.Events) != 1 || string(r.Events[0].Kv.Key) != fmt.Sprintf("many/%02d/k", r.WatchId-100) {
			t.Fatalf("event to wrong watcher: %v", r)
		}
		got[r.WatchId]++
	}
	// Fragments: a replay larger than --max-request-bytes plus gRPC
	// overhead arrives in pieces, each but the last marked fragment.
	val := string(make([]byte, 3000))
	first := int64(0)
	for i := 0; i < 200; i++ {
		p, err := cli.Put(ctx, fmt.Sprintf("frag/%03d", i), val)
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 {
			first = p.Header.Revision
		}
	}
	if err := st.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{
		Key: []byte("frag/"), RangeEnd: []byte("frag0"), WatchId: 9, Fragment: true, StartRevision: first}}}); err != nil {
		t.Fatal(err)
	}
	recv()
	events, frags := 0, 0
	for events < 200 {
		r := recv()
		if r.WatchId != 9 {
			t.Fatalf("unexpected %v", r)
		}
		for i, e := range r.Events {
			if e.Kv.ModRevision != first+int64(events+i) {
				t.Fatalf("event %d at %d", events+i, e.Kv.ModRevision)
			}
		}
		events += len(r.Events)
		if r.Fragment {
			frags++
		} else if events != 200 {
			t.Fatalf("unfragmented response with %d of 200 events", events)
		}
	}
	if frags == 0 {
		t.Fatal("no fragments")
	}
	// Cancel one by ID.
	if err := st.Send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CancelRequest{CancelRequest: &pb.WatchCancelRequest{WatchId: 7}}}); err != nil {
		t.Fatal(err)
	}
	if r := recv(); !r.Canceled || r.WatchId != 7 {
		t.Fatalf("cancel: %v", r)
	}
}
