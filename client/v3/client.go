package clientv3

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	grpccredentials "google.golang.org/grpc/credentials"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	"github.com/etcdgo/etcd/client/v3/internal/authtoken"
	"github.com/etcdgo/etcd/client/v3/internal/resolver"
)

// Client provides and manages an etcd v3 client session.
type Client struct {
	Cluster
	KV
	Lease
	Watcher
	Auth
	Maintenance

	// Username is a user name for authentication.
	Username string
	// Password is a password for authentication.
	Password string
	// Token is a JWT used for authentication.
	Token string

	conn     *grpc.ClientConn
	cfg      Config
	creds    grpccredentials.TransportCredentials
	resolver *resolver.Builder

	epMu      sync.RWMutex
	endpoints []string

	ctx    context.Context
	cancel context.CancelFunc

	// token is nil unless the client authenticates (Username/Password or
	// Token configured).
	token   *authtoken.Holder
	tokenMu sync.Mutex // one Authenticate at a time

	callOpts []grpc.CallOption

	lg atomic.Pointer[zap.Logger]
	wg sync.WaitGroup // background goroutines (auto-sync)
}

// New creates a new etcd v3 client from a given configuration.
func New(cfg Config) (*Client, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, ErrNoAvailableEndpoints
	}
	return newClient(&cfg)
}

// NewFromURL creates a new etcd v3 client from a URL.
func NewFromURL(url string) (*Client, error) {
	return New(Config{Endpoints: []string{url}})
}

// NewFromURLs creates a new etcd v3 client from URLs.
func NewFromURLs(urls []string) (*Client, error) {
	return New(Config{Endpoints: urls})
}

// Option configures a client made by NewCtxClient.
type Option func(*Client)

// WithZapLogger sets the logger of a client made by NewCtxClient.
func WithZapLogger(lg *zap.Logger) Option {
	return func(c *Client) { c.lg.Store(lg) }
}

// NewCtxClient creates a client with a context but no underlying gRPC
// connection. This is useful for embedded cases that override the service
// interface implementations and do not need connection management.
func NewCtxClient(ctx context.Context, opts ...Option) *Client {
	cctx, cancel := context.WithCancel(ctx)
	c := &Client{ctx: cctx, cancel: cancel}
	for _, opt := range opts {
		opt(c)
	}
	if c.lg.Load() == nil {
		c.lg.Store(zap.NewNop())
	}
	return c
}

func newClient(cfg *Config) (*Client, error) {
	if cfg.Token != "" && (cfg.Username != "" || cfg.Password != "") {
		return nil, ErrMutuallyExclusiveCfg
	}
	lg, err := buildLogger(cfg)
	if err != nil {
		return nil, err
	}
	callOpts, err := buildCallOpts(cfg)
	if err != nil {
		return nil, err
	}

	base := cfg.Context
	if base == nil {
		base = context.TODO()
	}
	ctx, cancel := context.WithCancel(base)
	c := &Client{
		cfg:      *cfg,
		ctx:      ctx,
		cancel:   cancel,
		callOpts: callOpts,
	}
	c.lg.Store(lg)
	if cfg.TLS != nil {
		c.creds = grpccredentials.NewTLS(cfg.TLS)
	}
	if cfg.Username != "" && cfg.Password != "" {
		c.Username, c.Password = cfg.Username, cfg.Password
		c.token = &authtoken.Holder{}
	}
	if cfg.Token != "" {
		c.Token = cfg.Token
		c.token = &authtoken.Holder{}
	}

	c.resolver = resolver.New(cfg.Endpoints...)
	c.SetEndpoints(cfg.Endpoints...)

	conn, err := c.dialWithBalancer()
	if err != nil {
		cancel()
		return nil, err
	}
	c.conn = conn

	c.Cluster = NewCluster(c)
	c.KV = NewKV(c)
	c.Lease = NewLease(c)
	c.Watcher = NewWatcher(c)
	c.Auth = NewAuth(c)
	c.Maintenance = NewMaintenance(c)

	dctx, dcancel := c.ctx, context.CancelFunc(func() {})
	if cfg.DialTimeout > 0 {
		dctx, dcancel = context.WithTimeout(c.ctx, cfg.DialTimeout)
	}
	err = c.getToken(dctx)
	dcancel()
	if err != nil {
		_ = c.Close()
		return nil, err
	}

	if cfg.RejectOldCluster {
		if err := c.checkVersion(); err != nil {
			_ = c.Close()
			return nil, err
		}
	}

	if cfg.AutoSyncInterval > 0 {
		c.wg.Add(1)
		go c.autoSync()
	}
	return c, nil
}

func buildLogger(cfg *Config) (*zap.Logger, error) {
	switch {
	case cfg.Logger != nil:
		return cfg.Logger, nil
	case cfg.LogConfig != nil:
		return cfg.LogConfig.Build()
	default:
		return zap.NewNop(), nil
	}
}

func buildCallOpts(cfg *Config) ([]grpc.CallOption, error) {
	opts := defaultCallOpts()
	if cfg.MaxCallRecvMsgSize > 0 && cfg.MaxCallSendMsgSize > cfg.MaxCallRecvMsgSize {
		return nil, fmt.Errorf("gRPC message recv limit (%d bytes) must be greater than send limit (%d bytes)", cfg.MaxCallRecvMsgSize, cfg.MaxCallSendMsgSize)
	}
	if cfg.MaxCallSendMsgSize > 0 {
		opts[1] = grpc.MaxCallSendMsgSize(cfg.MaxCallSendMsgSize)
	}
	if cfg.MaxCallRecvMsgSize > 0 {
		opts[2] = grpc.MaxCallRecvMsgSize(cfg.MaxCallRecvMsgSize)
	}
	return opts, nil
}

// Close shuts down the client's etcd connections, its watchers and lease
// keepalives, and waits for its goroutines to end.
func (c *Client) Close() error {
	c.cancel()
	if c.Watcher != nil {
		_ = c.Watcher.Close()
	}
	if c.Lease != nil {
		_ = c.Lease.Close()
	}
	c.wg.Wait()
	if c.conn != nil {
		return ContextError(c.ctx, c.conn.Close())
	}
	return c.ctx.Err()
}

// Ctx is a context for "out of band" messages (e.g., for sending "clean
// up" message when another context is canceled). It is canceled on
// client Close().
func (c *Client) Ctx() context.Context { return c.ctx }

// GetLogger gets the logger.
func (c *Client) GetLogger() *zap.Logger { return c.lg.Load() }

// WithLogger overrides the logger. It does not change the logger of
// components already created (KV, Watcher, …).
func (c *Client) WithLogger(lg *zap.Logger) *Client {
	c.lg.Store(lg)
	return c
}

// Endpoints lists the registered endpoints for the client.
func (c *Client) Endpoints() []string {
	c.epMu.RLock()
	defer c.epMu.RUnlock()
	return append([]string(nil), c.endpoints...)
}

// SetEndpoints updates the client's endpoints; connections to the old
// ones are drained and new calls balance over the new list.
func (c *Client) SetEndpoints(eps ...string) {
	c.epMu.Lock()
	defer c.epMu.Unlock()
	c.endpoints = append([]string(nil), eps...)
	c.resolver.SetEndpoints(eps...)
}

// Sync synchronizes the client's endpoints with the known endpoints from
// the etcd membership (voting members that have started).
func (c *Client) Sync(ctx context.Context) error {
	resp, err := c.MemberList(ctx)
	if err != nil {
		return err
	}
	var eps []string
	for _, m := range resp.Members {
		if m.Name != "" && !m.IsLearner {
			eps = append(eps, m.ClientURLs...)
		}
	}
	if len(eps) == 0 {
		return nil // never leave the client without endpoints
	}
	c.SetEndpoints(eps...)
	c.GetLogger().Debug("set etcd endpoints by autoSync", zap.Strings("endpoints", eps))
	return nil
}

func (c *Client) autoSync() {
	defer c.wg.Done()
	t := time.NewTicker(c.cfg.AutoSyncInterval)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
			err := c.Sync(ctx)
			cancel()
			if err != nil && !errors.Is(err, c.ctx.Err()) {
				c.GetLogger().Info("Auto sync endpoints failed.", zap.Error(err))
			}
		}
	}
}

// ActiveConnection returns the current in-use connection.
func (c *Client) ActiveConnection() *grpc.ClientConn { return c.conn }

// getToken authenticates with the configured credentials and installs the
// token for subsequent calls.
func (c *Client) getToken(ctx context.Context) error {
	if c.token == nil {
		return nil
	}
	if c.Token != "" {
		c.token.Set(c.Token)
		return nil
	}
	c.tokenMu.Lock()
	defer c.tokenMu.Unlock()
	resp, err := c.Auth.Authenticate(ctx, c.Username, c.Password)
	if err != nil {
		if errors.Is(err, rpctypes.ErrAuthNotEnabled) {
			c.token.Set("")
			return nil
		}
		return err
	}
	c.token.Set(resp.Token)
	return nil
}
