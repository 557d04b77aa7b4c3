package namespace

import (
	"context"
	"sync"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

type watcherPrefix struct {
	clientv3.Watcher
	pfx string

	wg       sync.WaitGroup
	stopc    chan struct{}
	stopOnce sync.Once
}

// NewWatcher wraps a Watcher instance so that all Watch requests are
// prefixed with a given string and all Watch responses have the prefix
// removed.
func NewWatcher(w clientv3.Watcher, prefix string) clientv3.Watcher {
	return &watcherPrefix{Watcher: w, pfx: prefix, stopc: make(chan struct{})}
}

func (w *watcherPrefix) Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan {
	// OpOption is opaque: learn the range through an OpGet
	end := clientv3.OpGet(key, opts...).RangeBytes()
	pfxKey, pfxEnd := prefixInterval(w.pfx, []byte(key), end)
	if pfxEnd != nil {
		opts = append(opts, clientv3.WithRange(string(pfxEnd)))
	}
	inner := w.Watcher.Watch(ctx, string(pfxKey), opts...)

	out := make(chan clientv3.WatchResponse)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer close(out)
		for wr := range inner {
			for _, ev := range wr.Events {
				ev.Kv.Key = ev.Kv.Key[len(w.pfx):]
				if ev.PrevKv != nil {
					ev.PrevKv.Key = ev.Kv.Key
				}
			}
			select {
			case out <- wr:
			case <-ctx.Done():
				return
			case <-w.stopc:
				return
			}
		}
	}()
	return out
}

func (w *watcherPrefix) Close() error {
	err := w.Watcher.Close()
	w.stopOnce.Do(func() { close(w.stopc) })
	w.wg.Wait()
	return err
}
