package lease

import (
	"context"
	"math"
	"sync"
	"time"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"go.uber.org/zap"
)

// Defaults, as etcd's.
const (
	DefaultCheckpointInterval = 5 * time.Minute
	// DefaultRetryInterval is how long after reporting an expired lease it
	// is reported again if it still exists (its revocation failed).
	DefaultRetryInterval = 3 * time.Second
	// maxExpiredPerTick bounds the revocations asked for per tick (etcd:
	// half of 1000 revocations a second, ticking every 500ms).
	maxExpiredPerTick = 500
	// maxCheckpointBatch bounds the checkpoints of one raft entry.
	maxCheckpointBatch = 1000
	tickInterval       = 500 * time.Millisecond
)

// Checkpointer proposes a checkpoint of remaining TTLs through raft and
// waits for it to be applied.
type Checkpointer func(ctx context.Context, r *pb.LeaseCheckpointRequest) error

// PrimaryConfig configures a Primary.
type PrimaryConfig struct {
	Store *Store
	// Checkpointer, when set, turns checkpointing on: remaining TTLs reach
	// the log every CheckpointInterval, and a renewal clears them.
	Checkpointer       Checkpointer
	CheckpointInterval time.Duration
	RetryInterval      time.Duration
	// Now is the clock (nil: time.Now).
	Now    func() time.Time
	Logger *zap.Logger
	// Metrics counts renewals (nil: not exported).
	Metrics *Metrics
}

// Primary is the leader's lease clock. While promoted it keeps an expiry
// deadline per lease, renews leases, reports expired leases on ExpiredC
// (the server revokes them through raft) and proposes checkpoints. It
// never changes the Store: every change comes back through the log.
type Primary struct {
	st       *Store
	cp       Checkpointer
	interval time.Duration
	retry    time.Duration
	now      func() time.Time
	lg       *zap.Logger
	m        *Metrics

	mu sync.Mutex
	// demotec is non-nil while primary and closed on demotion.
	demotec chan struct{}
	expiry  map[int64]time.Time
	// expq orders the leases by the next time to look at them: their
	// expiry, or a retry time once reported.
	expq *deadlines
	cpq  *deadlines

	expiredc chan []int64
	stopc    chan struct{}
	stopOnce sync.Once
}

// NewPrimary returns a demoted Primary observing cfg.Store.
func NewPrimary(cfg PrimaryConfig) *Primary {
	p := &Primary{
		st: cfg.Store, cp: cfg.Checkpointer, interval: cfg.CheckpointInterval, retry: cfg.RetryInterval,
		now: cfg.Now, lg: cfg.Logger, m: cfg.Metrics,
		expiry: map[int64]time.Time{}, expq: newDeadlines(), cpq: newDeadlines(),
		expiredc: make(chan []int64, 16), stopc: make(chan struct{}),
	}
	if p.interval <= 0 {
		p.interval = DefaultCheckpointInterval
	}
	if p.retry <= 0 {
		p.retry = DefaultRetryInterval
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.lg == nil {
		p.lg = zap.NewNop()
	}
	if p.m == nil {
		p.m = NewMetrics(nil)
	}
	cfg.Store.SetObserver(p)
	return p
}

// IsPrimary reports whether the lessor is promoted.
func (p *Primary) IsPrimary() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.demotec != nil
}

// Promote makes this the primary: every lease expires extend plus its
// effective TTL (checkpointed remaining TTL, else granted TTL) from now.
func (p *Primary) Promote(extend time.Duration) {
	leases := p.st.Leases()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.demotec == nil {
		p.demotec = make(chan struct{})
	}
	now := p.now()
	for _, l := range leases {
		p.setExpiry(l.ID, now.Add(extend+secs(l.EffectiveTTL())))
		p.scheduleCheckpoint(l.ID, l.EffectiveTTL(), now)
	}
}

// Demote stops expiring, renewing and checkpointing.
func (p *Primary) Demote() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expiry = map[int64]time.Time{}
	p.expq, p.cpq = newDeadlines(), newDeadlines()
	if p.demotec != nil {
		close(p.demotec)
		p.demotec = nil
	}
}

func secs(n int64) time.Duration { return time.Duration(n) * time.Second }

func (p *Primary) setExpiry(id int64, t time.Time) {
	p.expiry[id] = t
	p.expq.set(id, t)
}

func (p *Primary) scheduleCheckpoint(id, effective int64, now time.Time) {
	if p.cp == nil || effective <= int64(p.interval.Seconds()) {
		return
	}
	p.cpq.set(id, now.Add(p.interval))
}

// Granted implements Observer.
func (p *Primary) Granted(id, ttl, _ int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.demotec == nil {
		return
	}
	now := p.now()
	p.setExpiry(id, now.Add(secs(ttl)))
	p.scheduleCheckpoint(id, ttl, now)
}

// Revoked implements Observer.
func (p *Primary) Revoked(id int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.expiry, id)
	p.expq.remove(id)
	p.cpq.remove(id)
}

// Checkpointed implements Observer: the next checkpoint is scheduled.
func (p *Primary) Checkpointed(id, remaining int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.demotec == nil {
		return
	}
	l := p.st.Lookup(id)
	if l == nil {
		return
	}
	p.scheduleCheckpoint(id, l.EffectiveTTL(), p.now())
}

// Renew restarts the TTL of lease id and returns it. A lease past its
// expiry is being revoked: Renew waits for the outcome.
func (p *Primary) Renew(ctx context.Context, id int64) (int64, error) {
	p.mu.Lock()
	if p.demotec == nil {
		p.mu.Unlock()
		return -1, ErrNotPrimary
	}
	demotec := p.demotec
	ttl, remaining, found := p.st.TTLs(id)
	if !found {
		p.mu.Unlock()
		return -1, ErrLeaseNotFound
	}
	exp, ok := p.expiry[id]
	p.mu.Unlock()
	if ok && !p.now().Before(exp) {
		revokec := p.st.RevokeNotify(id)
		if revokec == nil {
			return -1, ErrLeaseNotFound
		}
		select {
		case <-revokec:
			return -1, ErrLeaseNotFound
		case <-demotec:
			return -1, ErrNotPrimary
		case <-p.stopc:
			return -1, ErrNotPrimary
		case <-ctx.Done():
			return -1, ctx.Err()
		}
	}
	// A checkpointed remaining TTL would survive a leader change and cut
	// this renewal short: clear it through the log first.
	if p.cp != nil && remaining > 0 {
		if err := p.cp(ctx, &pb.LeaseCheckpointRequest{Checkpoints: []*pb.LeaseCheckpoint{{ID: id, Remaining_TTL: 0}}}); err != nil {
			return -1, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.demotec != demotec {
		return -1, ErrNotPrimary
	}
	if !p.st.Exists(id) {
		return -1, ErrLeaseNotFound
	}
	now := p.now()
	p.setExpiry(id, now.Add(secs(ttl)))
	p.scheduleCheckpoint(id, ttl, now)
	p.m.Renewed.Inc()
	return ttl, nil
}

// Remaining is the time lease id has left, as the primary counts it.
func (p *Primary) Remaining(id int64) (time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.demotec == nil {
		return 0, ErrNotPrimary
	}
	exp, ok := p.expiry[id]
	if !ok {
		if !p.st.Exists(id) {
			return 0, ErrLeaseNotFound
		}
		return math.MaxInt64, nil
	}
	return exp.Sub(p.now()), nil
}

// Tick returns the leases past their expiry (each reported again every
// retry interval until revoked) and the checkpoints that are due.
func (p *Primary) Tick() (expired []int64, cps []*pb.LeaseCheckpoint) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.demotec == nil {
		return nil, nil
	}
	now := p.now()
	for len(expired) < maxExpiredPerTick {
		id, at, ok := p.expq.peek()
		if !ok || now.Before(at) {
			break
		}
		if _, live := p.expiry[id]; !live {
			p.expq.remove(id)
			continue
		}
		expired = append(expired, id)
		p.expq.set(id, now.Add(p.retry))
	}
	for len(cps) < maxCheckpointBatch {
		id, at, ok := p.cpq.peek()
		if !ok || now.Before(at) {
			break
		}
		p.cpq.remove(id)
		exp, live := p.expiry[id]
		l := p.st.Lookup(id)
		if !live || l == nil || !now.Before(exp) {
			continue
		}
		rem := int64(math.Ceil(exp.Sub(now).Seconds()))
		if rem >= l.TTL {
			continue
		}
		cps = append(cps, &pb.LeaseCheckpoint{ID: id, Remaining_TTL: rem})
	}
	return expired, cps
}

// ExpiredC delivers batches of expired lease IDs to revoke.
func (p *Primary) ExpiredC() <-chan []int64 { return p.expiredc }

// Run ticks until Stop: expired leases go to ExpiredC (dropped when the
// receiver is busy; they are reported again), checkpoints to the
// Checkpointer.
func (p *Primary) Run() {
	t := time.NewTicker(tickInterval)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-p.stopc:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		expired, cps := p.Tick()
		if len(expired) > 0 {
			select {
			case p.expiredc <- expired:
			default:
			}
		}
		if len(cps) > 0 && p.cp != nil {
			if err := p.cp(ctx, &pb.LeaseCheckpointRequest{Checkpoints: cps}); err != nil {
				p.lg.Warn("failed to checkpoint leases", zap.Int("count", len(cps)), zap.Error(err))
			}
		}
		select {
		case <-t.C:
		case <-p.stopc:
			return
		}
	}
}

// Stop ends Run and wakes renewals waiting on an expired lease; it is
// idempotent.
func (p *Primary) Stop() { p.stopOnce.Do(func() { close(p.stopc) }) }
