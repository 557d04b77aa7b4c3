package clientv3

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc/metadata"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

func (l *lessor) KeepAlive(ctx context.Context, id LeaseID) (<-chan *LeaseKeepAliveResponse, error) {
	ch := make(chan *LeaseKeepAliveResponse, LeaseResponseChSize)

	l.mu.Lock()
	select {
	case <-l.donec:
		err := l.loopErr
		l.mu.Unlock()
		close(ch)
		return ch, ErrKeepAliveHalted{Reason: err}
	default:
	}
	sub := &kaSub{ctx: ctx, ch: ch}
	ka, ok := l.keepAlives[id]
	if !ok {
		now := time.Now()
		ka = &keepAlive{
			deadline:      now.Add(l.firstKeepAliveTimeout),
			nextKeepAlive: now,
			donec:         make(chan struct{}),
		}
		l.keepAlives[id] = ka
	}
	ka.subs = append(ka.subs, sub)
	if !l.started {
		l.started = true
		l.wg.Add(2)
		go l.recvKeepAliveLoop()
		go l.deadlineLoop()
	}
	if ctx.Done() != nil {
		l.wg.Add(1)
		go l.keepAliveCtxCloser(ctx, id, sub, ka.donec)
	}
	l.mu.Unlock()
	return ch, nil
}

// keepAliveCtxCloser drops one KeepAlive call when its context ends.
func (l *lessor) keepAliveCtxCloser(ctx context.Context, id LeaseID, sub *kaSub, donec <-chan struct{}) {
	defer l.wg.Done()
	select {
	case <-donec:
		return
	case <-l.donec:
		return
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ka, ok := l.keepAlives[id]
	if !ok || ka.donec != donec {
		return
	}
	for i, s := range ka.subs {
		if s == sub {
			close(s.ch)
			ka.subs = append(ka.subs[:i], ka.subs[i+1:]...)
			break
		}
	}
	if len(ka.subs) == 0 {
		delete(l.keepAlives, id)
		close(ka.donec)
	}
}

// close ends every KeepAlive call on the lease.
func (ka *keepAlive) close() {
	close(ka.donec)
	for _, s := range ka.subs {
		close(s.ch)
	}
}

// closeRequireLeader closes the channels of KeepAlive calls whose context
// asked for a leader, when the server has none.
func (l *lessor) closeRequireLeader() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, ka := range l.keepAlives {
		kept := ka.subs[:0]
		for _, s := range ka.subs {
			md, _ := metadata.FromOutgoingContext(s.ctx)
			if v := md.Get(rpctypes.MetadataRequireLeaderKey); len(v) > 0 && v[0] == rpctypes.MetadataHasLeader {
				close(s.ch)
				continue
			}
			kept = append(kept, s)
		}
		ka.subs = kept
		if len(ka.subs) == 0 {
			delete(l.keepAlives, id)
			close(ka.donec)
		}
	}
}

// recvKeepAliveLoop keeps the shared keepalive stream open and hands out
// its responses, until the lessor is closed.
func (l *lessor) recvKeepAliveLoop() {
	defer l.wg.Done()
	var loopErr error
	defer func() {
		l.mu.Lock()
		l.loopErr = loopErr
		close(l.donec)
		for _, ka := range l.keepAlives {
			ka.close()
		}
		l.keepAlives = make(map[LeaseID]*keepAlive)
		l.mu.Unlock()
	}()
	for {
		err := l.serveStream()
		if canceledByCaller(l.stopCtx, err) || l.stopCtx.Err() != nil {
			loopErr = l.stopCtx.Err()
			return
		}
		if err != nil {
			l.lg.Warn("error occurred during lease keep alive loop", zap.Error(err))
		}
		t := time.NewTimer(retryConnWait)
		select {
		case <-t.C:
		case <-l.stopCtx.Done():
			t.Stop()
			loopErr = l.stopCtx.Err()
			return
		}
	}
}

// serveStream runs one keepalive stream until it fails.
func (l *lessor) serveStream() error {
	sctx, cancel := context.WithCancel(l.stopCtx)
	defer cancel()
	stream, err := l.remote.LeaseKeepAlive(sctx, append(l.callOpts, withMax(0))...)
	if err != nil {
		return err
	}
	l.wg.Add(1)
	go l.sendKeepAliveLoop(sctx, stream)
	for {
		resp, err := stream.Recv()
		if err != nil {
			if errors.Is(ContextError(l.stopCtx, err), rpctypes.ErrNoLeader) {
				l.closeRequireLeader()
			}
			return err
		}
		l.recvKeepAlive(resp)
	}
}

// recvKeepAlive updates the lease's deadline and tells its subscribers.
func (l *lessor) recvKeepAlive(resp *pb.LeaseKeepAliveResponse) {
	karesp := &LeaseKeepAliveResponse{ResponseHeader: resp.GetHeader(), ID: LeaseID(resp.ID), TTL: resp.TTL}
	l.mu.Lock()
	defer l.mu.Unlock()
	ka, ok := l.keepAlives[karesp.ID]
	if !ok {
		return
	}
	if karesp.TTL <= 0 {
		// the lease is gone on the server
		delete(l.keepAlives, karesp.ID)
		ka.close()
		return
	}
	now := time.Now()
	ttl := time.Duration(karesp.TTL) * time.Second
	ka.nextKeepAlive = now.Add(ttl / 3)
	ka.deadline = now.Add(ttl)
	for _, s := range ka.subs {
		select {
		case s.ch <- karesp:
		default:
			l.lg.Warn("lease keepalive response queue is full; dropping response send",
				zap.Int("queue-size", len(s.ch)),
				zap.Int("queue-capacity", cap(s.ch)))
		}
	}
}

// deadlineLoop drops leases whose keepalives have gone unanswered past
// their TTL.
func (l *lessor) deadlineLoop() {
	defer l.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-l.donec:
			return
		}
		now := time.Now()
		l.mu.Lock()
		for id, ka := range l.keepAlives {
			if ka.deadline.Before(now) {
				ka.close()
				delete(l.keepAlives, id)
			}
		}
		l.mu.Unlock()
	}
}

// sendKeepAliveLoop sends the keepalives that are due on one stream.
func (l *lessor) sendKeepAliveLoop(ctx context.Context, stream pb.Lease_LeaseKeepAliveClient) {
	defer l.wg.Done()
	t := time.NewTicker(retryConnWait)
	defer t.Stop()
	for {
		var due []LeaseID
		now := time.Now()
		l.mu.Lock()
		for id, ka := range l.keepAlives {
			if ka.nextKeepAlive.Before(now) {
				due = append(due, id)
			}
		}
		l.mu.Unlock()
		for _, id := range due {
			if err := stream.Send(&pb.LeaseKeepAliveRequest{ID: int64(id)}); err != nil {
				l.lg.Warn("error occurred during lease keep alive request sending", zap.Error(err))
				return
			}
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}
