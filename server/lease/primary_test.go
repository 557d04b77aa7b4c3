package lease

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"

	"github.com/etcdgo/etcd/mvcc/v3/backend"
)

// fakeDeleter records the keys a revocation deletes.
type fakeDeleter struct {
	log *strings.Builder
}

func (d fakeDeleter) DeleteRange(key, end []byte) (int64, int64) {
	fmt.Fprintf(d.log, "delete %s\n", key)
	return 1, 0
}
func (d fakeDeleter) End() {}

type leaseEnv struct {
	t    *testing.T
	be   *backend.Backend
	st   *Store
	p    *Primary
	now  time.Time
	out  strings.Builder
	cps  int
	path string
}

func (e *leaseEnv) open() {
	e.st = NewStore(StoreConfig{Backend: e.be, MinTTL: 2})
	e.st.SetRangeDeleter(func() TxnDelete {
		tx := e.be.BatchTx()
		tx.Lock()
		return lockedDeleter{fakeDeleter{&e.out}, tx}
	})
	e.p = NewPrimary(PrimaryConfig{
		Store: e.st, CheckpointInterval: 5 * time.Second, RetryInterval: 3 * time.Second,
		Now: func() time.Time { return e.now },
		Checkpointer: func(ctx context.Context, r *pb.LeaseCheckpointRequest) error {
			e.cps++
			for _, c := range r.Checkpoints {
				fmt.Fprintf(&e.out, "checkpoint proposed %d rem=%d\n", c.ID, c.Remaining_TTL)
				_ = e.st.Checkpoint(c.ID, c.Remaining_TTL)
			}
			return nil
		},
	})
}

type lockedDeleter struct {
	fakeDeleter
	tx backend.BatchTx
}

func (d lockedDeleter) End() { d.tx.Unlock() }

func TestLeaseExpiry(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		dir := t.TempDir()
		be, err := backend.Open(backend.Config{Path: filepath.Join(dir, "db")})
		if err != nil {
			t.Fatal(err)
		}
		defer be.Close()
		e := &leaseEnv{t: t, be: be, now: time.Unix(1000, 0)}
		e.open()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			e.out.Reset()
			var id, ttl, rem int64
			if d.HasArg("id") {
				d.ScanArgs(t, "id", &id)
			}
			switch d.Cmd {
			case "grant":
				d.ScanArgs(t, "ttl", &ttl)
				got, err := e.st.Grant(id, ttl)
				if err != nil {
					return err.Error() + "\n"
				}
				fmt.Fprintf(&e.out, "ttl=%d\n", got)
			case "attach":
				var key string
				d.ScanArgs(t, "key", &key)
				if err := e.st.Attach(id, key); err != nil {
					return err.Error() + "\n"
				}
			case "revoke":
				if err := e.st.Revoke(id); err != nil {
					return err.Error() + "\n"
				}
			case "checkpoint":
				d.ScanArgs(t, "rem", &rem)
				_ = e.st.Checkpoint(id, rem)
			case "promote":
				var ext string
				d.ScanArgs(t, "extend", &ext)
				dur, _ := time.ParseDuration(ext)
				e.p.Promote(dur)
			case "demote":
				e.p.Demote()
			case "advance":
				var by string
				d.ScanArgs(t, "by", &by)
				dur, _ := time.ParseDuration(by)
				e.now = e.now.Add(dur)
			case "renew":
				got, err := e.p.Renew(context.Background(), id)
				if err != nil {
					fmt.Fprintf(&e.out, "%v\n", err)
				} else {
					fmt.Fprintf(&e.out, "ttl=%d\n", got)
				}
			case "remaining":
				r, err := e.p.Remaining(id)
				if err != nil {
					fmt.Fprintf(&e.out, "%v\n", err)
				} else {
					fmt.Fprintf(&e.out, "%s\n", r)
				}
			case "tick":
				expired, cps := e.p.Tick()
				fmt.Fprintf(&e.out, "expired=%v\n", expired)
				for _, c := range cps {
					fmt.Fprintf(&e.out, "checkpoint due %d rem=%d\n", c.ID, c.Remaining_TTL)
				}
			case "leases":
				for _, l := range e.st.Leases() {
					full := e.st.Lookup(l.ID)
					fmt.Fprintf(&e.out, "%d ttl=%d remaining=%d keys=%v\n", l.ID, l.TTL, l.RemainingTTL, full.Keys)
				}
			case "restart":
				// The backend keeps what was applied; the clock state is lost.
				e.p.Stop()
				e.be.ForceCommit()
				e.open()
			default:
				t.Fatalf("unknown command %q", d.Cmd)
			}
			return e.out.String()
		})
	})
}
