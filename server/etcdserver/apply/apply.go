package apply

import (
	"context"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/etcdgo/etcd/mvcc/v3"
	"github.com/etcdgo/etcd/server/v3/etcdserver/errs"
	"github.com/etcdgo/etcd/server/v3/lease"
)

// Result is the outcome of applying one request, handed back to the RPC
// waiting on the request ID.
type Result struct {
	Resp proto.Message
	Err  error
	// Physc is closed when a physical compaction has finished.
	Physc <-chan struct{}
}

// Handler applies one request.
type Handler func(ctx context.Context, r *pb.InternalRaftRequest) *Result

// Middleware wraps a handler.
type Middleware func(next Handler) Handler

// Kind names the request carried by an InternalRaftRequest.
type Kind int

// Request kinds with a handler.
const (
	KindUnknown Kind = iota
	KindRange
	KindPut
	KindDeleteRange
	KindTxn
	KindCompaction
	KindLeaseGrant
	KindLeaseRevoke
	KindLeaseCheckpoint
	KindAlarm
)

// KindOf tells which request r carries.
func KindOf(r *pb.InternalRaftRequest) Kind {
	switch {
	case r.Range != nil:
		return KindRange
	case r.Put != nil:
		return KindPut
	case r.DeleteRange != nil:
		return KindDeleteRange
	case r.Txn != nil:
		return KindTxn
	case r.Compaction != nil:
		return KindCompaction
	case r.LeaseGrant != nil:
		return KindLeaseGrant
	case r.LeaseRevoke != nil:
		return KindLeaseRevoke
	case r.LeaseCheckpoint != nil:
		return KindLeaseCheckpoint
	case r.Alarm != nil:
		return KindAlarm
	}
	return KindUnknown
}

// Config is what the applier works on.
type Config struct {
	KV     mvcc.KV
	Lessor lease.Lessor // nil: no leases
	// Leases applies lease grants, revocations and checkpoints (nil: those
	// requests fail with ErrUnknownMethod).
	Leases LeaseApplier
	// Alarms applies alarm requests (nil: they fail with ErrUnknownMethod).
	Alarms AlarmStore
	Logger *zap.Logger
	// Middlewares wrap every handler, the first outermost.
	Middlewares []Middleware
}

// Applier applies requests through its table of handlers.
type Applier struct {
	kv     mvcc.KV
	lessor lease.Lessor
	leases LeaseApplier
	alarms AlarmStore
	lg     *zap.Logger
	table  map[Kind]Handler
}

// New builds the handler table.
func New(cfg Config) *Applier {
	a := &Applier{kv: cfg.KV, lessor: cfg.Lessor, leases: cfg.Leases, alarms: cfg.Alarms, lg: cfg.Logger}
	if a.lessor == nil {
		a.lessor = lease.NoLessor{}
	}
	if a.lg == nil {
		a.lg = zap.NewNop()
	}
	base := map[Kind]Handler{
		KindRange:       a.applyRange,
		KindPut:         a.applyPut,
		KindDeleteRange: a.applyDeleteRange,
		KindTxn:         a.applyTxn,
		KindCompaction:  a.applyCompaction,
	}
	if a.leases != nil {
		base[KindLeaseGrant] = a.applyLeaseGrant
		base[KindLeaseRevoke] = a.applyLeaseRevoke
		base[KindLeaseCheckpoint] = a.applyLeaseCheckpoint
	}
	if a.alarms != nil {
		base[KindAlarm] = a.applyAlarm
	}
	a.table = make(map[Kind]Handler, len(base))
	for k, h := range base {
		for i := len(cfg.Middlewares) - 1; i >= 0; i-- {
			h = cfg.Middlewares[i](h)
		}
		a.table[k] = h
	}
	return a
}

// Apply applies r.
func (a *Applier) Apply(ctx context.Context, r *pb.InternalRaftRequest) *Result {
	h, ok := a.table[KindOf(r)]
	if !ok {
		return &Result{Err: errs.ErrUnknownMethod}
	}
	return h(ctx, r)
}

func (a *Applier) applyRange(ctx context.Context, r *pb.InternalRaftRequest) *Result {
	resp, err := Range(ctx, a.kv, r.Range)
	return &Result{Resp: resp, Err: err}
}

func (a *Applier) applyPut(ctx context.Context, r *pb.InternalRaftRequest) *Result {
	x := newPutResult()
	if err := putInto(ctx, a.kv, a.lessor, r.Put, x.Resp.(*pb.PutResponse)); err != nil {
		return &Result{Err: err}
	}
	return x
}

func (a *Applier) applyDeleteRange(ctx context.Context, r *pb.InternalRaftRequest) *Result {
	resp, err := DeleteRange(ctx, a.kv, r.DeleteRange)
	return &Result{Resp: resp, Err: err}
}

func (a *Applier) applyTxn(ctx context.Context, r *pb.InternalRaftRequest) *Result {
	resp, err := Txn(ctx, a.lg, a.kv, a.lessor, r.Txn)
	return &Result{Resp: resp, Err: err}
}

func (a *Applier) applyCompaction(ctx context.Context, r *pb.InternalRaftRequest) *Result {
	physc, err := a.kv.Compact(ctx, r.Compaction.Revision)
	if err != nil {
		return &Result{Err: err}
	}
	resp := &pb.CompactionResponse{Header: &pb.ResponseHeader{Revision: a.kv.Rev()}}
	return &Result{Resp: resp, Physc: physc}
}
