package embed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/soheilhy/cmux"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/etcdgo/etcd/api/v3/version"
	"github.com/etcdgo/etcd/server/v3/etcdserver"
	"github.com/etcdgo/etcd/server/v3/etcdserver/compactor"
	"github.com/etcdgo/etcd/server/v3/etcdserver/membership"
	"github.com/etcdgo/etcd/server/v3/v3rpc"
)

// Etcd is a running member.
type Etcd struct {
	Config Config
	Server *etcdserver.EtcdServer

	// reg holds the member's metrics, served on /metrics.
	reg       *prometheus.Registry
	lg        *zap.Logger
	ownLogger bool
	peers     []net.Listener
	peerSrvs  []*http.Server
	clients   []*clientListener
	compactor *compactor.Compactor
	self      *selfClient
	errc      chan error

	wg        sync.WaitGroup
	closeOnce sync.Once
	stopc     chan struct{}
}

type clientListener struct {
	l    net.Listener
	mux  cmux.CMux
	grpc *grpc.Server
	http *http.Server
}

// StartEtcd validates cfg, opens the data dir, binds the listeners and
// starts serving. Clients are served once the server is ready (see
// Server.ReadyNotify); "ready to serve client requests" is logged then.
func StartEtcd(inCfg *Config) (e *Etcd, err error) {
	if err := inCfg.Validate(); err != nil {
		return nil, err
	}
	cfg := *inCfg
	e = &Etcd{Config: cfg, reg: newRegistry(), errc: make(chan error, 1), stopc: make(chan struct{})}
	e.lg = cfg.ZapLogger
	if e.lg == nil {
		if e.lg, err = NewZapLogger(cfg.LogLevel, cfg.LogOutputs); err != nil {
			return nil, err
		}
		e.ownLogger = true
	}
	defer func() {
		if err != nil {
			e.Close()
			e = nil
		}
	}()
	e.lg.Info("starting etcd", zap.String("etcd-version", version.Version), zap.String("git-sha", version.GitSHA),
		zap.String("name", cfg.Name), zap.String("data-dir", cfg.DataDir()))

	for _, u := range cfg.ListenPeerUrls {
		l, err := net.Listen("tcp", u.Host)
		if err != nil {
			return e, fmt.Errorf("listen tcp %s: %w", u.Host, err)
		}
		e.lg.Info("starting listening for peers", zap.String("address", u.String()))
		e.peers = append(e.peers, l)
	}
	if cfg.EnablePprof {
		e.lg.Info("pprof is enabled", zap.String("path", pprofPrefix))
	}
	for _, u := range cfg.ListenClientUrls {
		l, err := net.Listen("tcp", u.Host)
		if err != nil {
			return e, fmt.Errorf("listen tcp %s: %w", u.Host, err)
		}
		e.lg.Info("starting listening for clients", zap.String("address", u.String()))
		e.clients = append(e.clients, &clientListener{l: l})
	}

	ic, err := membership.ParseInitialCluster(cfg.InitialCluster)
	if err != nil {
		return e, err
	}
	retention, _ := compactor.ParseRetention(cfg.AutoCompactionMode, cfg.AutoCompactionRetention)
	scfg := etcdserver.Config{
		Name:                    cfg.Name,
		DataDir:                 cfg.DataDir(),
		WalDir:                  cfg.WalDir,
		PeerURLs:                urlStrings(cfg.AdvertisePeerUrls),
		ClientURLs:              urlStrings(cfg.AdvertiseClientUrls),
		InitialCluster:          ic,
		NewCluster:              cfg.ClusterState == ClusterStateFlagNew,
		InitialToken:            cfg.InitialClusterToken,
		SnapshotCount:           cfg.SnapshotCount,
		SnapshotCatchUpEntries:  cfg.SnapshotCatchUpEntries,
		MaxLearners:             cfg.MaxLearners,
		MaxSnapshots:            cfg.MaxSnapFiles,
		MaxWALs:                 cfg.MaxWalFiles,
		WALSegmentSizeBytes:     cfg.WALSegmentSizeBytes,
		TickMs:                  cfg.TickMs,
		ElectionTicks:           int(cfg.ElectionMs / cfg.TickMs),
		MaxRequestBytes:         cfg.MaxRequestBytes,
		MaxTxnOps:               cfg.MaxTxnOps,
		QuotaBackendBytes:       quota(cfg.QuotaBackendBytes),
		BackendBatchInterval:    cfg.BackendBatchInterval,
		BackendBatchLimit:       cfg.BackendBatchLimit,
		UnsafeNoFsync:           cfg.UnsafeNoFsync,
		LeaseCheckpointInterval: cfg.LeaseCheckpointInterval,
		DisableLeaseCheckpoint:  cfg.DisableLeaseCheckpoint,
		Logger:                  e.lg,
		Registerer:              e.reg,
	}
	if e.Server, err = etcdserver.New(scfg); err != nil {
		return e, err
	}
	if e.compactor, err = compactor.New(e.lg, cfg.AutoCompactionMode, retention, e.Server, e.Server); err != nil {
		return e, err
	}
	e.servePeers()
	e.Server.Start()
	e.compactor.Start()
	if err = e.startSelfClient(); err != nil {
		return e, err
	}
	e.serveClients()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		select {
		case <-e.Server.ReadyNotify():
			e.lg.Info("ready to serve client requests")
		case <-e.stopc:
		}
	}()
	return e, nil
}

func quota(q int64) int64 {
	if q <= 0 {
		return DefaultQuotaBackendBytes
	}
	return q
}

func urlStrings(us []url.URL) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.String()
	}
	return out
}

func (e *Etcd) serveClients() {
	for _, cl := range e.clients {
		cl.grpc = v3rpc.NewServer(e.Server, e.grpcConfig(e.selfServices()...))
		cl.http = &http.Server{Handler: e.withGateway(newHTTPHandler(e.Server, e.lg, e.Config.pprofEnabled(), e.reg)), ErrorLog: nil}
		cl.mux = cmux.New(cl.l)
		// Every HTTP/2 connection is gRPC, as in etcd: clients may send
		// "application/grpc+proto" (a forced codec names its subtype), so
		// matching the content-type exactly would turn them away.
		grpcL := cl.mux.Match(cmux.HTTP2())
		httpL := cl.mux.Match(cmux.Any())
		e.lg.Warn("serving client traffic insecurely; this is strongly discouraged!", zap.String("address", cl.l.Addr().String()))
		e.goServe(func() error { return cl.grpc.Serve(grpcL) })
		e.goServe(func() error { return cl.http.Serve(httpL) })
		e.goServe(cl.mux.Serve)
	}
}

func (e *Etcd) goServe(fn func() error) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		err := fn()
		select {
		case <-e.stopc:
			return
		default:
		}
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, cmux.ErrListenerClosed) && !errors.Is(err, cmux.ErrServerClosed) {
			select {
			case e.errc <- err:
			default:
			}
		}
	}()
}

// Err reports a fatal serving or storage error.
func (e *Etcd) Err() <-chan error { return e.errc }

// Clients lists the client listeners' addresses.
func (e *Etcd) ClientAddrs() []net.Addr {
	var out []net.Addr
	for _, cl := range e.clients {
		out = append(out, cl.l.Addr())
	}
	return out
}

// Close stops serving, stops the server and waits; it is idempotent.
func (e *Etcd) Close() {
	e.closeOnce.Do(func() {
		close(e.stopc)
		e.lg.Info("closing etcd server", zap.String("name", e.Config.Name), zap.String("data-dir", e.Config.DataDir()))
		// A leader hands over while its peers and clients are still served.
		if e.Server != nil {
			e.Server.TransferLeadershipOnStop()
		}
		for _, cl := range e.clients {
			if cl.grpc != nil {
				cl.grpc.Stop()
			}
			if cl.http != nil {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				_ = cl.http.Shutdown(ctx)
			}
			if cl.mux != nil {
				cl.mux.Close()
			}
			cl.l.Close()
		}
		e.closePeers()
		e.compactor.Stop()
		e.stopSelfClient()
		if e.Server != nil {
			e.Server.Close()
		}
		e.wg.Wait()
		e.lg.Info("closed etcd server", zap.String("name", e.Config.Name))
		if e.ownLogger {
			_ = e.lg.Sync()
		}
	})
}
