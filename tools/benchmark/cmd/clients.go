package cmd

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// clientSet is the connections of one run and the clients spread over them
// (client i uses connection i mod --conns).
type clientSet struct {
	conns   []*clientv3.Client
	clients []*clientv3.Client
}

// Close closes every connection.
func (cs *clientSet) Close() {
	for _, c := range cs.conns {
		_ = c.Close()
	}
}

// newClients dials --conns connections and hands out --clients clients.
func (g *globals) newClients(ctx context.Context) (*clientSet, error) {
	return g.newClientsN(ctx, g.clients, g.conns)
}

func (g *globals) newClientsN(ctx context.Context, clients, conns uint) (*clientSet, error) {
	if conns == 0 || clients == 0 {
		return nil, errors.New("--conns and --clients must be positive")
	}
	cfg, err := g.clientConfig(ctx)
	if err != nil {
		return nil, err
	}
	cs := &clientSet{}
	for range conns {
		c, err := clientv3.New(cfg)
		if err != nil {
			cs.Close()
			return nil, fmt.Errorf("dial error: %w", err)
		}
		cs.conns = append(cs.conns, c)
	}
	cs.clients = make([]*clientv3.Client, clients)
	for i := range cs.clients {
		cs.clients[i] = cs.conns[i%len(cs.conns)]
	}
	return cs, nil
}

// clientConfig builds a client configuration from the global flags,
// resolving --target-leader to the leader's endpoint.
func (g *globals) clientConfig(ctx context.Context) (clientv3.Config, error) {
	cfg := clientv3.Config{
		Endpoints:        trimAll(g.endpoints),
		DialTimeout:      g.dialTimeout,
		AutoSyncInterval: g.autoSyncInterval,
		Context:          ctx,
	}
	tc, err := g.tlsConfig()
	if err != nil {
		return cfg, fmt.Errorf("bad tls config: %w", err)
	}
	cfg.TLS = tc
	if g.user != "" {
		name, pass, err := g.credentials()
		if err != nil {
			return cfg, fmt.Errorf("bad user information: %s %w", g.user, err)
		}
		cfg.Username, cfg.Password = name, pass
	}
	if g.targetLeader {
		ep, err := leaderEndpoint(ctx, cfg)
		if err != nil {
			return cfg, err
		}
		cfg.Endpoints = []string{ep}
	}
	return cfg, nil
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// credentials splits --user into name and password, asking for the
// password on Env.Stdin when the flag has none. The answer is kept for the
// other connections of the run.
func (g *globals) credentials() (string, string, error) {
	name, pass, ok := strings.Cut(g.user, ":")
	if ok {
		return name, pass, nil
	}
	fmt.Fprint(g.env.Stderr, "Password: ")
	line, err := bufio.NewReader(g.env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", "", err
	}
	pass = strings.TrimRight(line, "\r\n")
	g.user = name + ":" + pass
	return name, pass, nil
}

// tlsConfig returns nil unless a certificate or CA bundle is given.
func (g *globals) tlsConfig() (*tls.Config, error) {
	if g.cert == "" && g.key == "" && g.cacert == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if g.cert != "" || g.key != "" {
		if g.cert == "" || g.key == "" {
			return nil, fmt.Errorf("KeyFile and CertFile must both be present[key: %v, cert: %v]", g.key, g.cert)
		}
		pair, err := tls.LoadX509KeyPair(g.cert, g.key)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if g.cacert != "" {
		pem, err := os.ReadFile(g.cacert)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("failed to append certificates from %s", g.cacert)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// leaderEndpoint asks each endpoint for its status and returns the one
// served by the leader.
func leaderEndpoint(ctx context.Context, cfg clientv3.Config) (string, error) {
	c, err := clientv3.New(cfg)
	if err != nil {
		return "", fmt.Errorf("dial error: %w", err)
	}
	defer c.Close()
	var errs []error
	for _, ep := range cfg.Endpoints {
		st, err := c.Status(ctx, ep)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ep, err))
			continue
		}
		if st.Header != nil && st.Header.MemberId == st.Leader {
			return ep, nil
		}
	}
	return "", fmt.Errorf("no leader among endpoints %v: %w", cfg.Endpoints, errors.Join(errs...))
}
