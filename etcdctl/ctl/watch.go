package ctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

var (
	errBadArgsNum              = errors.New("bad number of arguments")
	errBadArgsNumConflictEnv   = errors.New("bad number of arguments (found conflicting environment key)")
	errBadArgsNumSeparator     = errors.New("bad number of arguments (found separator --, but no commands)")
	errBadArgsInteractiveWatch = errors.New("args[0] must be 'watch' for interactive calls")
)

// watchFlags are watch's options; interactive "watch …" lines set them anew.
type watchFlags struct {
	rev            int64
	prefix         bool
	interactive    bool
	prevKV         bool
	progressNotify bool
}

func (f *watchFlags) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&f.interactive, "interactive", "i", false, "Interactive mode")
	fs.BoolVar(&f.prefix, "prefix", false, "Watch on a prefix if prefix is set")
	fs.Int64Var(&f.rev, "rev", 0, "Revision to start watching")
	fs.BoolVar(&f.prevKV, "prev-kv", false, "get the previous key-value pair before the event happens")
	fs.BoolVar(&f.progressNotify, "progress-notify", false, "get periodic watch progress notification from server")
}

func (a *app) newWatchCommand() *cobra.Command {
	f := &watchFlags{}
	cmd := &cobra.Command{
		Use:     "watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]",
		Short:   "Watches events stream on keys or prefixes",
		GroupID: groupKV,
	}
	f.register(cmd.Flags())
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		envKey, envRange := os.Getenv("ETCDCTL_WATCH_KEY"), os.Getenv("ETCDCTL_WATCH_RANGE_END")
		if envKey == "" && envRange != "" {
			return exitf(ExitBadArgs, "ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=%q", envRange)
		}
		if f.interactive {
			return a.watchInteractive(cmd, f, envKey, envRange)
		}
		watchArgs, execArgs, err := parseWatchArgs(a.osArgs, args, envKey, envRange, false, f)
		if err != nil {
			return exitErr(ExitBadArgs, err)
		}
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		wc, err := watchChan(c, f, watchArgs)
		if err != nil {
			c.Close()
			return exitErr(ExitBadArgs, err)
		}
		if err := a.printWatch(c, wc, execArgs); err != nil {
			c.Close()
			return err
		}
		if err := c.Close(); err != nil {
			return exitErr(ExitBadConnection, err)
		}
		return exitErr(ExitInterrupted, errors.New("watch is canceled by the server"))
	})
	return cmd
}

// watchInteractive reads "watch …" and "progress" lines from stdin.
func (a *app) watchInteractive(cmd *cobra.Command, f *watchFlags, envKey, envRange string) error {
	c, err := a.newClient(cmd)
	if err != nil {
		return err
	}
	defer c.Close()
	errc := make(chan error, 1)
	lines := make(chan string)
	go func() {
		r := bufio.NewReader(a.In)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				errc <- exitErr(ExitInvalidInput, fmt.Errorf("error reading watch request line: %w", err))
				return
			}
			lines <- strings.TrimSuffix(l, "\n")
		}
	}()
	for {
		var l string
		select {
		case err := <-errc:
			return err
		case l = <-lines:
		}
		args, err := argify(l)
		if err != nil {
			return err
		}
		if len(args) < 1 {
			fmt.Fprintf(a.Err, "Invalid command: %s (watch and progress supported)\n", l)
			continue
		}
		switch args[0] {
		case "watch":
			if len(args) < 2 && envKey == "" {
				fmt.Fprintf(a.Err, "Invalid command %s (command type or key is not provided)\n", l)
				continue
			}
			watchArgs, execArgs, err := parseWatchArgs(a.osArgs, args, envKey, envRange, true, f)
			if err != nil {
				return exitErr(ExitBadArgs, err)
			}
			ch, err := watchChan(c, f, watchArgs)
			if err != nil {
				fmt.Fprintf(a.Err, "Invalid command %s (%v)\n", l, err)
				continue
			}
			go func() {
				if err := a.printWatch(c, ch, execArgs); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}()
		case "progress":
			if err := c.RequestProgress(clientv3.WithRequireLeader(context.Background())); err != nil {
				return exitErr(ExitError, err)
			}
		default:
			fmt.Fprintf(a.Err, "Invalid command %s (only support watch)\n", l)
		}
	}
}

func watchChan(c *clientv3.Client, f *watchFlags, args []string) (clientv3.WatchChan, error) {
	if len(args) < 1 {
		return nil, errBadArgsNum
	}
	opts := []clientv3.OpOption{clientv3.WithRev(f.rev)}
	if len(args) == 2 {
		if f.prefix {
			return nil, errors.New("`range_end` and `--prefix` are mutually exclusive")
		}
		opts = append(opts, clientv3.WithRange(args[1]))
	}
	if f.prefix {
		opts = append(opts, clientv3.WithPrefix())
	}
	if f.prevKV {
		opts = append(opts, clientv3.WithPrevKV())
	}
	if f.progressNotify {
		opts = append(opts, clientv3.WithProgressNotify())
	}
	return c.Watch(clientv3.WithRequireLeader(context.Background()), args[0], opts...), nil
}

// printWatch prints every response of ch and, with execArgs, runs the
// command once per event with ETCD_WATCH_* set. A failing command ends
// etcdctl with exit code 1.
func (a *app) printWatch(c *clientv3.Client, ch clientv3.WatchChan, execArgs []string) error {
	for resp := range ch {
		if resp.Canceled {
			fmt.Fprintf(a.Err, "watch was canceled (%v)\n", resp.Err())
		}
		if resp.IsProgressNotify() {
			fmt.Fprintf(a.Out, "progress notify: %d\n", resp.Header.GetRevision())
		}
		if err := a.display.Watch(&resp); err != nil {
			return err
		}
		if len(execArgs) == 0 {
			continue
		}
		for _, ev := range resp.Events {
			cmd := exec.CommandContext(c.Ctx(), execArgs[0], execArgs[1:]...)
			cmd.Env = append(os.Environ(),
				fmt.Sprintf("ETCD_WATCH_REVISION=%d", resp.Header.GetRevision()),
				fmt.Sprintf("ETCD_WATCH_EVENT_TYPE=%q", ev.Type),
				fmt.Sprintf("ETCD_WATCH_KEY=%q", ev.Kv.GetKey()),
				fmt.Sprintf("ETCD_WATCH_VALUE=%q", ev.Kv.GetValue()),
			)
			cmd.Stdout, cmd.Stderr = a.Out, a.Err
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(a.Err, "command %q error (%v)\n", execArgs, err)
				return errSilentExit(ExitError)
			}
		}
	}
	return nil
}

// parseWatchArgs splits a watch invocation into the key (and range end) to
// watch and the command to exec after "--". osArgs are the process's raw
// arguments (cobra drops "--"); commandArgs are what cobra left, or the
// words of an interactive line. ETCDCTL_WATCH_KEY/RANGE_END stand in for
// the key arguments and conflict with explicit ones.
func parseWatchArgs(osArgs, commandArgs []string, envKey, envRange string, interactive bool, f *watchFlags) (watchArgs, execArgs []string, err error) {
	rawArgs := append([]string(nil), osArgs...)
	watchArgs = append([]string(nil), commandArgs...)

	// Drop everything up to the "watch" command word.
	for i, a := range rawArgs {
		if a == "watch" {
			rawArgs = rawArgs[i+1:]
			break
		}
	}
	reset := func() { f.prefix, f.rev, f.prevKV = false, 0, false }

	if interactive {
		if watchArgs[0] != "watch" {
			reset()
			return nil, nil, errBadArgsInteractiveWatch
		}
		watchArgs = watchArgs[1:]
	}

	if !interactive {
		sep := indexOf(rawArgs, "--")
		if sep >= 0 && sep == len(rawArgs)-1 {
			return nil, nil, errBadArgsNumSeparator
		}
		if sep < 0 && len(rawArgs) < 1 && envKey == "" {
			return nil, nil, errBadArgsNum
		}
		if sep >= 0 && envKey != "" {
			// ETCDCTL_WATCH_KEY=foo watch foo -- echo 1: an explicit key
			// before the separator conflicts with the variable.
			ridx := len(rawArgs) - 1
			for widx := len(watchArgs) - 1; widx >= 0; widx-- {
				if watchArgs[widx] == rawArgs[ridx] {
					ridx--
					continue
				}
				if ridx == sep {
					return nil, nil, errBadArgsNumConflictEnv
				}
			}
		}
		if sep < 0 && len(watchArgs) > 0 && envKey != "" {
			return nil, nil, errBadArgsNumConflictEnv
		}
	} else {
		sep := indexOf(watchArgs, "--")
		if sep >= 0 && sep == len(watchArgs)-1 {
			reset()
			return nil, nil, errBadArgsNumSeparator
		}
		fs := pflag.NewFlagSet("watch", pflag.ContinueOnError)
		fs.Usage = func() {}
		(&watchFlags{}).register(fs)
		if err := fs.Parse(watchArgs); err != nil {
			reset()
			return nil, nil, err
		}
		pArgs := fs.Args()
		if sep < 0 && envKey == "" && len(pArgs) < 1 {
			reset()
			return nil, nil, errBadArgsNum
		}
		if sep < 0 && len(pArgs) > 0 && envKey != "" {
			reset()
			return nil, nil, errBadArgsNumConflictEnv
		}
	}

	argsWithSep := rawArgs
	if interactive {
		argsWithSep = watchArgs
	}
	sep := indexOf(argsWithSep, "--")
	if sep >= 0 {
		execArgs = argsWithSep[sep+1:]
	}

	if interactive {
		nf := &watchFlags{}
		fs := pflag.NewFlagSet("watch", pflag.ContinueOnError)
		fs.Usage = func() {}
		nf.register(fs)
		if err := fs.Parse(argsWithSep); err != nil {
			return nil, nil, err
		}
		watchArgs = fs.Args()
		f.prefix, f.rev, f.prevKV = nf.prefix, nf.rev, nf.prevKV
	}

	if envKey != "" {
		keys := []string{envKey}
		if envRange != "" {
			keys = append(keys, envRange)
		}
		watchArgs = append(keys, watchArgs...)
	}
	if sep < 0 {
		return watchArgs, nil, nil
	}
	// cobra merged the exec command into the arguments: cut it off at its
	// first word, searching from the end.
	end := len(watchArgs) - 1
	for ; end >= 0; end-- {
		if watchArgs[end] == argsWithSep[sep+1] {
			break
		}
	}
	if end < 0 {
		end = 0
	}
	return watchArgs[:end], execArgs, nil
}

func indexOf(ss []string, s string) int {
	for i, v := range ss {
		if v == s {
			return i
		}
	}
	return -1
}
