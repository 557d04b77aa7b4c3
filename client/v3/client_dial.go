package clientv3

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"

	"google.golang.org/grpc"
	grpccredentials "google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/etcdgo/etcd/api/v3/codec"
	"github.com/etcdgo/etcd/api/v3/version"
	"github.com/etcdgo/etcd/client/v3/internal/endpoint"
	"github.com/etcdgo/etcd/client/v3/internal/resolver"
)

// Dial connects to a single endpoint using the client's configuration.
func (c *Client) Dial(ep string) (*grpc.ClientConn, error) {
	return c.dial(ep, resolver.New(ep))
}

func (c *Client) dialWithBalancer() (*grpc.ClientConn, error) {
	return c.dial(c.Endpoints()[0], c.resolver)
}

// dial opens a connection whose addresses come from r; ep picks the
// transport credentials and the target's authority.
func (c *Client) dial(ep string, r *resolver.Builder) (*grpc.ClientConn, error) {
	opts := c.dialOptions(c.credentialsFor(ep))
	opts = append(opts, grpc.WithResolvers(r))
	opts = append(opts, c.cfg.DialOptions...)
	target := fmt.Sprintf("%s://%p/%s", resolver.Scheme, c, endpoint.Authority(ep))
	return grpc.NewClient(target, opts...)
}

func (c *Client) dialOptions(creds grpccredentials.TransportCredentials) []grpc.DialOption {
	var opts []grpc.DialOption
	if c.cfg.DialKeepAliveTime > 0 {
		opts = append(opts, grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time:                c.cfg.DialKeepAliveTime,
			Timeout:             c.cfg.DialKeepAliveTimeout,
			PermitWithoutStream: c.cfg.PermitWithoutStream,
		}))
	}
	if creds == nil {
		creds = insecure.NewCredentials()
	}
	opts = append(opts, grpc.WithTransportCredentials(creds))
	opts = append(opts, grpc.WithDefaultCallOptions(grpc.ForceCodecV2(codec.Codec{})))

	maxRetries := defaultUnaryMaxRetries
	if c.cfg.MaxUnaryRetries > 0 {
		maxRetries = c.cfg.MaxUnaryRetries
	}
	wait := defaultBackoffWaitBetween
	if c.cfg.BackoffWaitBetween > 0 {
		wait = c.cfg.BackoffWaitBetween
	}
	jitter := defaultBackoffJitterFraction
	if c.cfg.BackoffJitterFraction > 0 {
		jitter = c.cfg.BackoffJitterFraction
	}
	backoff := c.roundRobinQuorumBackoff(wait, jitter)
	opts = append(opts,
		grpc.WithUnaryInterceptor(c.unaryClientInterceptor(maxRetries, backoff)),
		grpc.WithStreamInterceptor(c.streamClientInterceptor()),
	)
	if c.token != nil {
		opts = append(opts, grpc.WithPerRPCCredentials(c.token))
	}
	return opts
}

// credentialsFor picks transport credentials from the endpoint's scheme:
// http drops TLS, https and unixs require it, others use the configured
// TLS if any.
func (c *Client) credentialsFor(ep string) grpccredentials.TransportCredentials {
	switch endpoint.Parse(ep).Creds {
	case endpoint.CredsDrop:
		return nil
	case endpoint.CredsRequire:
		if c.creds != nil {
			return c.creds
		}
		return grpccredentials.NewTLS(&tls.Config{})
	default:
		return c.creds
	}
}

// minSupportedVersion is the oldest server minor version the client
// accepts with RejectOldCluster: the minor before its own.
func minSupportedVersion() version.Semver {
	v, err := version.Parse(version.Version)
	if err != nil {
		panic(err)
	}
	minor := v.Minor
	if minor > 0 {
		minor--
	}
	return version.Semver{Major: v.Major, Minor: minor}
}

// checkVersion asks every endpoint for its version and fails with
// ErrOldCluster if one is too old.
func (c *Client) checkVersion() error {
	ctx, cancel := context.WithCancel(c.ctx)
	if c.cfg.DialTimeout > 0 {
		cancel()
		ctx, cancel = context.WithTimeout(c.ctx, c.cfg.DialTimeout)
	}
	defer cancel()
	eps := c.Endpoints()
	errc := make(chan error, len(eps))
	var wg sync.WaitGroup
	for _, ep := range eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Status(ctx, ep)
			if err != nil {
				errc <- err
				return
			}
			v, err := version.Parse(resp.Version)
			if err != nil {
				errc <- err
				return
			}
			if v.Compare(minSupportedVersion()) < 0 {
				errc <- ErrOldCluster
				return
			}
			errc <- nil
		}()
	}
	var err error
	for range eps {
		if err = <-errc; err != nil {
			break
		}
	}
	cancel()
	wg.Wait()
	return err
}
