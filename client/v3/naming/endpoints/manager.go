package endpoints

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// stored is an endpoint as etcd stores it (field names are the JSON keys).
type stored struct {
	Op       Operation
	Addr     string
	Metadata any
}

type endpointManager struct {
	client *clientv3.Client
	target string
}

// NewManager creates an endpoint manager which implements the interface of
// 'Manager'.
func NewManager(client *clientv3.Client, target string) (Manager, error) {
	if client == nil {
		return nil, errors.New("invalid etcd client")
	}
	if target == "" {
		return nil, errors.New("invalid target")
	}
	return &endpointManager{client: client, target: target}, nil
}

func (m *endpointManager) prefix() string { return m.target + "/" }

func (m *endpointManager) Update(ctx context.Context, updates []*UpdateWithOpts) error {
	ops := make([]clientv3.Op, 0, len(updates))
	for _, u := range updates {
		if !strings.HasPrefix(u.Key, m.prefix()) {
			return status.Errorf(codes.InvalidArgument, "endpoints: endpoint key should be prefixed with '%s/' got: '%s'", m.target, u.Key)
		}
		switch u.Op {
		case Add:
			v, err := json.Marshal(stored{Op: Add, Addr: u.Endpoint.Addr, Metadata: u.Endpoint.Metadata})
			if err != nil {
				return status.Error(codes.InvalidArgument, err.Error())
			}
			ops = append(ops, clientv3.OpPut(u.Key, string(v), u.Opts...))
		case Delete:
			ops = append(ops, clientv3.OpDelete(u.Key, u.Opts...))
		default:
			return status.Error(codes.InvalidArgument, "endpoints: bad update op")
		}
	}
	_, err := m.client.KV.Txn(ctx).Then(ops...).Commit()
	return err
}

func (m *endpointManager) AddEndpoint(ctx context.Context, key string, endpoint Endpoint, opts ...clientv3.OpOption) error {
	return m.Update(ctx, []*UpdateWithOpts{NewAddUpdateOpts(key, endpoint, opts...)})
}

func (m *endpointManager) DeleteEndpoint(ctx context.Context, key string, opts ...clientv3.OpOption) error {
	return m.Update(ctx, []*UpdateWithOpts{NewDeleteUpdateOpts(key, opts...)})
}

func (m *endpointManager) List(ctx context.Context) (Key2EndpointMap, error) {
	resp, err := m.client.Get(ctx, m.prefix(), clientv3.WithPrefix(), clientv3.WithSerializable())
	if err != nil {
		return nil, err
	}
	eps := make(Key2EndpointMap)
	for _, kv := range resp.Kvs {
		var s stored
		if err := json.Unmarshal(kv.Value, &s); err != nil {
			continue
		}
		eps[string(kv.Key)] = Endpoint{Addr: s.Addr, Metadata: s.Metadata}
	}
	return eps, nil
}

func (m *endpointManager) NewWatchChannel(ctx context.Context) (WatchChannel, error) {
	resp, err := m.client.Get(ctx, m.prefix(), clientv3.WithPrefix(), clientv3.WithSerializable())
	if err != nil {
		return nil, err
	}
	lg := m.logger()
	initial := make([]*Update, 0, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		var s stored
		if err := json.Unmarshal(kv.Value, &s); err != nil {
			lg.Warn("unmarshal endpoint update failed", zap.String("key", string(kv.Key)), zap.Error(err))
			continue
		}
		initial = append(initial, &Update{Op: Add, Key: string(kv.Key), Endpoint: Endpoint{Addr: s.Addr, Metadata: s.Metadata}})
	}
	upch := make(chan []*Update, 1)
	if len(initial) > 0 {
		upch <- initial
	}
	go m.watch(ctx, resp.Header.Revision+1, upch)
	return upch, nil
}

func (m *endpointManager) logger() *zap.Logger {
	if lg := m.client.GetLogger(); lg != nil {
		return lg
	}
	return zap.NewNop()
}

// watch turns watch events under the target into updates until ctx ends
// or the watch fails.
func (m *endpointManager) watch(ctx context.Context, rev int64, upch chan []*Update) {
	defer close(upch)
	lg := m.logger()
	wch := m.client.Watch(ctx, m.prefix(), clientv3.WithRev(rev), clientv3.WithPrefix())
	for {
		var wr clientv3.WatchResponse
		var ok bool
		select {
		case <-ctx.Done():
			return
		case wr, ok = <-wch:
		}
		if !ok {
			lg.Warn("watch closed", zap.String("target", m.target))
			return
		}
		if err := wr.Err(); err != nil {
			lg.Warn("watch failed", zap.String("target", m.target), zap.Error(err))
			return
		}
		ups := make([]*Update, 0, len(wr.Events))
		for _, ev := range wr.Events {
			switch ev.Type {
			case mvccpb.Event_PUT:
				var s stored
				if err := json.Unmarshal(ev.Kv.Value, &s); err != nil {
					lg.Warn("unmarshal endpoint update failed", zap.String("key", string(ev.Kv.Key)), zap.Error(err))
					continue
				}
				ups = append(ups, &Update{Op: Add, Key: string(ev.Kv.Key), Endpoint: Endpoint{Addr: s.Addr, Metadata: s.Metadata}})
			case mvccpb.Event_DELETE:
				ups = append(ups, &Update{Op: Delete, Key: string(ev.Kv.Key)})
			}
		}
		if len(ups) == 0 {
			continue
		}
		select {
		case upch <- ups:
		case <-ctx.Done():
			return
		}
	}
}
