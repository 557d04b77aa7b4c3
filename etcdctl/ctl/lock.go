package ctl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/client/v3/concurrency"
)

func (a *app) newLockCommand() *cobra.Command {
	ttl := 10
	cmd := &cobra.Command{
		Use:     "lock <lockname> [exec-command arg1 arg2 ...]",
		Short:   "Acquires a named lock",
		GroupID: groupConcurrency,
	}
	cmd.Flags().IntVarP(&ttl, "ttl", "", ttl, "timeout for session")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return exitErr(ExitBadArgs, errors.New("lock takes a lock name argument and an optional command to execute"))
		}
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := a.lockUntilSignal(c, ttl, args[0], args[1:]); err != nil {
			return exitErr(exitCodeOf(err), err)
		}
		return nil
	})
	return cmd
}

// exitCodeOf passes on the exit status of a command run under the lock.
func exitCodeOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok {
			return ws.ExitStatus()
		}
	}
	return ExitError
}

// lockUntilSignal takes the lock, then either runs cmdArgs and unlocks, or
// prints the lock key and holds the lock until SIGINT/SIGTERM.
func (a *app) lockUntilSignal(c *clientv3.Client, ttl int, name string, cmdArgs []string) error {
	s, err := concurrency.NewSession(c, concurrency.WithTTL(ttl))
	if err != nil {
		return err
	}
	defer s.Orphan()
	m := concurrency.NewMutex(s, name)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	donec := make(chan struct{})
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigc)
	go func() {
		select {
		case <-sigc:
			cancel()
			close(donec)
		case <-ctx.Done():
		}
	}()

	if err := m.Lock(ctx); err != nil {
		return err
	}

	if len(cmdArgs) > 0 {
		cmd := exec.Command(cmdArgs[0], cmdArgs[1:]...)
		cmd.Env = append([]string{
			"ETCD_LOCK_KEY=" + m.Key(),
			fmt.Sprintf("ETCD_LOCK_REV=%d", m.Header().Revision),
		}, os.Environ()...)
		cmd.Stdout, cmd.Stderr = a.Out, a.Err
		err := cmd.Run()
		unlockErr := m.Unlock(context.Background())
		if err != nil {
			return err
		}
		return unlockErr
	}

	resp, err := c.Get(ctx, m.Key())
	if err != nil {
		return err
	}
	if len(resp.Kvs) == 0 {
		return errors.New("lock lost on init")
	}
	if err := a.display.Get(resp); err != nil {
		return err
	}
	select {
	case <-donec:
		return m.Unlock(context.Background())
	case <-s.Done():
	}
	return errors.New("session expired")
}
