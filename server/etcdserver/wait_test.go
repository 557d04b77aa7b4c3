package etcdserver

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.etcd.io/raft/v3"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/server/v3/etcdserver/apply"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
)

// TestWaitRegistry: a result reaches its waiter once; the request is there
// for the apply loop until then; Stop answers every waiter, present and
// future, with nil (the proposers do not select on stopc).
func TestWaitRegistry(t *testing.T) {
	w := newWaitRegistry()
	req := &pb.InternalRaftRequest{}
	ch := w.Register(1, req)
	if !w.Waiting(1) || w.Request(1) != req {
		t.Fatal("registered request not found")
	}
	res := &apply.Result{}
	w.Trigger(1, res)
	w.Trigger(1, &apply.Result{}) // no longer waiting: dropped
	if got := <-ch; got != res {
		t.Fatalf("got %v", got)
	}
	if w.Waiting(1) || w.Request(1) != nil {
		t.Fatal("triggered request still registered")
	}
	w.Recycle(ch)
	if again := w.Register(2, nil); again != ch || len(again) != 0 {
		t.Fatal("recycled channel not reused empty")
	}

	pending := w.Register(3, req)
	w.Stop()
	for _, c := range []chan any{pending, w.Register(4, req)} {
		select {
		case x := <-c:
			if x != nil {
				t.Fatalf("got %v after Stop, want nil", x)
			}
		default:
			t.Fatal("waiter not answered by Stop")
		}
	}
	if w.Waiting(3) || w.Waiting(4) {
		t.Fatal("waiters registered after Stop")
	}
}

// TestLinearizerStop: readers waiting for a round raft never answers, and
// readers that come after, get ErrStopped once the server stops.
func TestLinearizerStop(t *testing.T) {
	readc := make(chan []byte, 16)
	stopc := make(chan struct{})
	l := newLinearizer(readc, make(chan raft.ReadState), newIndexWait(0), time.Hour, stopc)
	done := make(chan struct{})
	go func() { l.run(); close(done) }()
	errc := make(chan error, 2)
	for range 2 {
		go func() { errc <- l.Wait(context.Background()) }()
	}
	<-readc // a round is in flight
	close(stopc)
	for range 2 {
		if err := <-errc; !errors.Is(err, errs.ErrStopped) {
			t.Fatalf("waiting reader: %v, want ErrStopped", err)
		}
	}
	<-done
	if err := l.Wait(context.Background()); !errors.Is(err, errs.ErrStopped) {
		t.Fatalf("reader after stop: %v, want ErrStopped", err)
	}
	l.stop() // idempotent
}
