package ctl

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
)

func (a *app) newElectCommand() *cobra.Command {
	var listen bool
	cmd := &cobra.Command{
		Use:     "elect <election-name> [proposal]",
		Short:   "Observes and participates in leader election",
		GroupID: groupConcurrency,
	}
	cmd.Flags().BoolVarP(&listen, "listen", "l", false, "observation mode")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 && len(args) != 2 {
			return exitErr(ExitBadArgs, errors.New("elect takes one election name argument and an optional proposal argument"))
		}
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		if len(args) == 1 {
			if !listen {
				return exitErr(ExitBadArgs, errors.New("no proposal argument but -l not set"))
			}
			err = a.observe(c, args[0])
		} else {
			if listen {
				return exitErr(ExitBadArgs, errors.New("proposal given but -l is set"))
			}
			err = a.campaign(c, args[0], args[1])
		}
		if err != nil {
			return exitErr(ExitError, err)
		}
		return nil
	})
	return cmd
}

// interrupted returns a context canceled by SIGINT/SIGTERM and a channel
// closed at the same moment.
func interrupted() (context.Context, <-chan struct{}, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	donec := make(chan struct{})
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case <-sigc:
			cancel()
			close(donec)
		case <-ctx.Done():
		}
	}()
	return ctx, donec, func() { signal.Stop(sigc); cancel() }
}

// observe prints every new leader's proposal until interrupted.
func (a *app) observe(c *clientv3.Client, election string) error {
	s, err := concurrency.NewSession(c)
	if err != nil {
		return err
	}
	defer s.Orphan()
	e := concurrency.NewElection(s, election)
	ctx, _, stop := interrupted()
	defer stop()

	var perr error
	for resp := range e.Observe(ctx) {
		if perr == nil {
			perr = a.display.Get(resp)
		}
	}
	if perr != nil {
		return perr
	}
	select {
	case <-ctx.Done():
		return nil
	default:
		return errors.New("elect: observer lost")
	}
}

// campaign becomes leader with prop, prints the leader key, and resigns
// when interrupted.
func (a *app) campaign(c *clientv3.Client, election, prop string) error {
	s, err := concurrency.NewSession(c)
	if err != nil {
		return err
	}
	defer s.Orphan()
	e := concurrency.NewElection(s, election)
	ctx, donec, stop := interrupted()
	defer stop()

	if err := e.Campaign(ctx, prop); err != nil {
		return err
	}
	resp, err := c.Get(ctx, e.Key())
	if err != nil {
		return err
	}
	if err := a.display.Get(resp); err != nil {
		return err
	}
	select {
	case <-donec:
	case <-s.Done():
		return errors.New("elect: session expired")
	}
	return e.Resign(context.Background())
}
