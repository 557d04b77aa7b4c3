package client

import (
	"context"

	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

// Target is a running cluster the suite talks to.
type Target interface {
	// Endpoints are the members' client URLs, in member order.
	Endpoints() []string
	// Stop stops member i gracefully.
	Stop(i int) error
	// Start starts the stopped member i again and waits until it serves.
	Start(ctx context.Context, i int) error
	// Close stops every member.
	Close()
}

// TargetOptions describe the cluster a test needs.
type TargetOptions struct {
	Size int
	// ExtraFlags are etcd flags for every member.
	ExtraFlags []string
}

// NewTarget starts a cluster of server srv keeping its files in dir;
// replace it to run the suite elsewhere.
var NewTarget = newProcessTarget

// processTarget runs members as processes of an etcd-flag-compatible binary.
type processTarget struct{ c *refetcd.Cluster }

func newProcessTarget(srv refetcd.Server, dir string, opts TargetOptions) (Target, error) {
	c, err := srv.Start(context.Background(), refetcd.Options{
		Size:       opts.Size,
		Dir:        dir,
		ExtraFlags: opts.ExtraFlags,
	})
	if err != nil {
		return nil, err
	}
	return &processTarget{c: c}, nil
}

func (p *processTarget) Endpoints() []string { return p.c.Endpoints() }
func (p *processTarget) Stop(i int) error    { return p.c.Member(i).Stop() }
func (p *processTarget) Start(ctx context.Context, i int) error {
	return p.c.Member(i).Start(ctx)
}
func (p *processTarget) Close() { p.c.Close() }
