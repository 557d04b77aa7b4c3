package compactor

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/mvcc/v3"
)

// Modes, as etcd's --auto-compaction-mode.
const (
	ModePeriodic = "periodic"
	ModeRevision = "revision"
)

// Compactable is what a compactor compacts.
type Compactable interface {
	Compact(ctx context.Context, r *pb.CompactionRequest) (*pb.CompactionResponse, error)
}

// RevGetter reports the current revision.
type RevGetter interface {
	Rev() int64
}

// ParseRetention reads --auto-compaction-retention for mode: a number of
// revisions in revision mode; in periodic mode an integer number of hours
// or a duration. The revision count is returned as a Duration, as etcd does.
func ParseRetention(mode, retention string) (time.Duration, error) {
	if retention == "" {
		retention = "0"
	}
	h, err := strconv.Atoi(retention)
	switch {
	case err == nil && h >= 0:
		switch mode {
		case ModeRevision:
			return time.Duration(int64(h)), nil
		case ModePeriodic:
			return time.Duration(int64(h)) * time.Hour, nil
		case "":
			return 0, errors.New("--auto-compaction-mode is undefined")
		}
	case err == nil:
	default:
		if mode == ModePeriodic {
			if d, derr := time.ParseDuration(retention); derr == nil {
				return d, nil
			}
		}
	}
	return 0, fmt.Errorf("invalid auto-compaction-retention %v (only supports duration or integer hours for periodic mode, integer for revision mode)", retention)
}

// Compactor runs in the background until Stop.
type Compactor struct {
	lg     *zap.Logger
	run    func(ctx context.Context)
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// New returns nil when retention is 0 (compaction off).
func New(lg *zap.Logger, mode string, retention time.Duration, rg RevGetter, c Compactable) (*Compactor, error) {
	if retention == 0 {
		return nil, nil
	}
	if lg == nil {
		lg = zap.NewNop()
	}
	cp := &Compactor{lg: lg}
	switch mode {
	case ModePeriodic:
		cp.run = func(ctx context.Context) { periodic(ctx, lg, retention, rg, c) }
	case ModeRevision:
		cp.run = func(ctx context.Context) { revision(ctx, lg, int64(retention), rg, c) }
	default:
		return nil, fmt.Errorf("unknown auto-compaction-mode %q", mode)
	}
	return cp, nil
}

// Start runs the compactor.
func (cp *Compactor) Start() {
	if cp == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	cp.cancel = cancel
	cp.wg.Add(1)
	go func() {
		defer cp.wg.Done()
		cp.run(ctx)
	}()
}

// Stop stops the compactor and waits for it; it is idempotent.
func (cp *Compactor) Stop() {
	if cp == nil || cp.cancel == nil {
		return
	}
	cp.once.Do(cp.cancel)
	cp.wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// periodic samples the revision every period/10 (at most every 6 minutes)
// and compacts to the revision sampled one period ago: first after one
// period, then every period (at most every hour).
func periodic(ctx context.Context, lg *zap.Logger, period time.Duration, rg RevGetter, c Compactable) {
	interval := min(period, time.Hour)
	retry := interval / 10
	keep := int(period/retry) + 1
	var revs []int64
	last, lastOK, base := int64(0), time.Now(), period
	for {
		revs = append(revs, rg.Rev())
		if len(revs) > keep {
			revs = revs[1:]
		}
		if !sleep(ctx, retry) {
			return
		}
		rev := revs[0]
		if time.Since(lastOK) < base || rev == last {
			continue
		}
		base = interval
		lg.Info("starting auto periodic compaction", zap.Int64("revision", rev), zap.Duration("compact-period", period))
		start := time.Now()
		_, err := c.Compact(ctx, &pb.CompactionRequest{Revision: rev})
		if err == nil || errors.Is(err, mvcc.ErrCompacted) {
			lg.Info("completed auto periodic compaction", zap.Int64("revision", rev), zap.Duration("compact-period", period), zap.Duration("took", time.Since(start)))
			last, lastOK = rev, time.Now()
		} else {
			lg.Warn("failed auto periodic compaction", zap.Int64("revision", rev), zap.Duration("compact-period", period), zap.Duration("retry-interval", retry), zap.Error(err))
		}
	}
}

// revInterval is how often revision mode checks, as etcd's.
const revInterval = 5 * time.Minute

func revision(ctx context.Context, lg *zap.Logger, retention int64, rg RevGetter, c Compactable) {
	prev := int64(0)
	for {
		if !sleep(ctx, revInterval) {
			return
		}
		rev := rg.Rev() - retention
		if rev <= 0 || rev == prev {
			continue
		}
		lg.Info("starting auto revision compaction", zap.Int64("revision", rev), zap.Int64("revision-compaction-retention", retention))
		_, err := c.Compact(ctx, &pb.CompactionRequest{Revision: rev})
		if err == nil || errors.Is(err, mvcc.ErrCompacted) {
			prev = rev
			lg.Info("completed auto revision compaction", zap.Int64("revision", rev), zap.Int64("revision-compaction-retention", retention))
		} else {
			lg.Warn("failed auto revision compaction", zap.Int64("revision", rev), zap.Duration("retry-interval", revInterval), zap.Error(err))
		}
	}
}
