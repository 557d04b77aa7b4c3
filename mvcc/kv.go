package mvcc

import (
	"context"
	"errors"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// Errors with etcd's text.
var (
	ErrCompacted = errors.New("mvcc: required revision has been compacted")
	ErrFutureRev = errors.New("mvcc: required revision is a future revision")
	ErrClosed    = errors.New("mvcc: closed")
)

// NoLease is the lease ID of a key without a lease.
const NoLease int64 = 0

// RangeOptions select what Range returns.
type RangeOptions struct {
	// Limit caps the number of keys returned (0: no limit).
	Limit int64
	// Rev reads at this revision (<= 0: the current one).
	Rev int64
	// CountOnly returns only Count.
	CountOnly bool
	// KeysOnly returns keys with revisions and versions but no values,
	// straight from the index without touching the backend.
	KeysOnly bool
	// WithTotalCount counts every key in the range even past Limit; without
	// it Count stops at Limit (etcd's behaviour).
	WithTotalCount bool
}

// RangeResult is the answer of Range.
type RangeResult struct {
	KVs   []*mvccpb.KeyValue
	Rev   int64
	Count int
}

// ReadView reads at one revision.
type ReadView interface {
	// FirstRev is the compacted revision when the view began.
	FirstRev() int64
	// Rev is the revision of the view.
	Rev() int64
	// Range reads [key, end): end nil is the single key, end empty or "\x00"
	// is every key >= key.
	Range(ctx context.Context, key, end []byte, ro RangeOptions) (*RangeResult, error)
}

// TxnRead is a read transaction; End releases it.
type TxnRead interface {
	ReadView
	End()
}

// WriteView writes. All writes of one transaction share one main revision.
type WriteView interface {
	// DeleteRange deletes the keys of the range; it returns how many and the
	// revision of the transaction after the delete.
	DeleteRange(key, end []byte) (n, rev int64)
	// Put sets key to value with a lease (0: none); it returns the revision.
	Put(key, value []byte, lease int64) (rev int64)
}

// TxnWrite is a write transaction: one revision, sub revisions in operation
// order. End makes it visible.
type TxnWrite interface {
	TxnRead
	WriteView
	// Changes returns the key-values written so far.
	Changes() []*mvccpb.KeyValue
}

// KV is the key-value store.
type KV interface {
	ReadView
	WriteView
	Read(ctx context.Context) TxnRead
	Write(ctx context.Context) TxnWrite
	// Compact removes revisions older than rev; the returned channel is
	// closed when the physical compaction has finished.
	Compact(ctx context.Context, rev int64) (<-chan struct{}, error)
	// HashByRev hashes the key bucket up to rev (0: current).
	HashByRev(rev int64) (KeyValueHash, int64, error)
	// Commit forces the backend to commit.
	Commit()
	Close() error
}

// WatchableKV is a KV that can be watched.
type WatchableKV interface {
	KV
	NewWatchStream() WatchStream
}

// Lessor is what the store needs from the lease subsystem. IDs are int64;
// 0 means no lease.
type Lessor interface {
	// Attach records that key belongs to lease id.
	Attach(id int64, key string) error
	// Detach removes key from lease id.
	Detach(id int64, key string) error
	// GetLease returns the lease key belongs to, or 0.
	GetLease(key string) int64
}

var (
	_ KV          = (*Store)(nil)
	_ WatchableKV = (*WatchableStore)(nil)
)
