package ctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

func (a *app) newTxnCommand() *cobra.Command {
	var interactive bool
	cmd := &cobra.Command{
		Use:   "txn [options]",
		Short: "Txn processes all the requests in one transaction",
		Long: `Txn reads multiple etcd requests from standard input and applies them as a single atomic transaction.

A transaction consists of three components:
1) a list of conditions,
2) a list of requests to apply if all the conditions are true,
3) a list of requests to apply if any condition is false.

Example interactive stdin usage:

---
etcdctl txn -i
# compares:
mod("key1") > "0"

# success requests (get, put, delete):
put key1 "overwrote-key1"

# failure requests (get, put, delete):
put key1 "created-key1"
put key2 "some extra key"
---

Refer to https://github.com/etcd-io/etcd/blob/main/etcdctl/README.md#txn-options.`,
		GroupID: groupKV,
	}
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "Input transaction in interactive mode")
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) != 0 {
			return exitErr(ExitBadArgs, errors.New("txn command does not accept argument"))
		}
		r := bufio.NewReader(a.In)
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		prompt := func(s string) {
			if interactive {
				fmt.Fprintln(a.Out, s)
			}
		}
		prompt("compares:")
		cmps, err := readCompares(r)
		if err != nil {
			return err
		}
		prompt("success requests (get, put, del):")
		thenOps, err := readOps(cmd.Context(), r, a.In, a.Err)
		if err != nil {
			return err
		}
		prompt("failure requests (get, put, del):")
		elseOps, err := readOps(cmd.Context(), r, a.In, a.Err)
		if err != nil {
			return err
		}
		resp, err := c.Txn(cmd.Context()).If(cmps...).Then(thenOps...).Else(elseOps...).Commit()
		if err != nil {
			return exitErr(ExitError, err)
		}
		return a.display.Txn(resp)
	})
	return cmd
}

// readLines reads lines up to the first empty one and parses each.
func readLines[T any](r *bufio.Reader, parse func(string) (*T, error)) ([]T, error) {
	var out []T
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, exitErr(ExitInvalidInput, err)
		}
		line = strings.TrimSpace(line)
		if line == "" {
			return out, nil
		}
		v, err := parse(line)
		if err != nil {
			if _, ok := asExit(err); ok {
				return nil, err
			}
			return nil, exitErr(ExitInvalidInput, err)
		}
		out = append(out, *v)
	}
}

func readCompares(r *bufio.Reader) ([]clientv3.Cmp, error) {
	return readLines(r, parseCompare)
}

func readOps(ctx context.Context, r *bufio.Reader, stdin io.Reader, stderr io.Writer) ([]clientv3.Op, error) {
	return readLines(r, func(line string) (*clientv3.Op, error) { return parseRequest(ctx, line, stdin, stderr) })
}

// parseRequest parses one "put|get|del …" line of a txn with the flags of
// the put, get and del commands. Usage after a bad flag, and del's warning
// about a range, go to stderr; ctx cuts that warning's delay short.
func parseRequest(ctx context.Context, line string, stdin io.Reader, stderr io.Writer) (*clientv3.Op, error) {
	args, err := argify(line)
	if err != nil {
		return nil, err
	}
	if len(args) < 2 {
		return nil, fmt.Errorf("invalid txn compare request: %s", line)
	}
	var op clientv3.Op
	var opErr error
	ran := false
	pf, gf, df := &putFlags{}, &getFlags{}, &delFlags{}
	put, get, del := newPutCommandFlags(pf), newGetCommandFlags(gf), newDelCommandFlags(df)
	put.RunE = func(cmd *cobra.Command, args []string) error {
		key, val, opts, err := pf.op(args, stdin)
		if err == nil {
			op = clientv3.OpPut(key, val, opts...)
		}
		ran, opErr = true, err
		return nil
	}
	get.RunE = func(cmd *cobra.Command, args []string) error {
		key, opts, err := gf.op(args)
		if err == nil {
			op = clientv3.OpGet(key, opts...)
		}
		ran, opErr = true, err
		return nil
	}
	del.RunE = func(cmd *cobra.Command, args []string) error {
		key, opts, err := df.op(cmd.Context(), args, stderr)
		if err == nil {
			op = clientv3.OpDelete(key, opts...)
		}
		ran, opErr = true, err
		return nil
	}
	// As in etcdctl, a bad flag prints the sub-command's usage on stderr.
	root := &cobra.Command{SilenceErrors: true}
	root.SetOut(stderr)
	root.SetErr(stderr)
	root.AddCommand(put, get, del)
	root.SetArgs(args)
	// "help put" or "put --help" print help and run nothing (etcd's
	// etcdctl then waits forever for the request): not a request.
	if err := root.ExecuteContext(ctx); err != nil || !ran {
		return nil, fmt.Errorf("invalid txn request: %s", line)
	}
	if opErr != nil {
		return nil, opErr
	}
	return &op, nil
}

// parseCompare parses one comparison line: target("key") op "value".
func parseCompare(line string) (*clientv3.Cmp, error) {
	var key, op, val string
	target, rest, ok := strings.Cut(line, "(")
	if !ok {
		return nil, fmt.Errorf("malformed comparison: %s", line)
	}
	n, serr := fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val)
	if n != 3 {
		return nil, fmt.Errorf("malformed comparison: %s; got %s(%q) %s %q", line, target, key, op, val)
	}
	if serr != nil {
		return nil, fmt.Errorf("malformed comparison: %s (%w)", line, serr)
	}
	// etcd's etcdctl panics on another operator.
	switch op {
	case "=", "!=", ">", "<":
	default:
		return nil, fmt.Errorf("malformed comparison: %s (unknown operator %s)", line, op)
	}
	var (
		cmp clientv3.Cmp
		v   int64
		err error
	)
	switch target {
	case "ver", "version":
		if v, err = strconv.ParseInt(val, 10, 64); err == nil {
			cmp = clientv3.Compare(clientv3.Version(key), op, v)
		}
	case "c", "create":
		if v, err = strconv.ParseInt(val, 10, 64); err == nil {
			cmp = clientv3.Compare(clientv3.CreateRevision(key), op, v)
		}
	case "m", "mod":
		if v, err = strconv.ParseInt(val, 10, 64); err == nil {
			cmp = clientv3.Compare(clientv3.ModRevision(key), op, v)
		}
	case "val", "value":
		cmp = clientv3.Compare(clientv3.Value(key), op, val)
	case "lease":
		// A lease ID in hex, as etcdctl takes them everywhere (etcd's
		// etcdctl panics on any lease comparison).
		if v, err = strconv.ParseInt(val, 16, 64); err == nil {
			cmp = clientv3.Compare(clientv3.LeaseValue(key), op, clientv3.LeaseID(v))
		}
	default:
		return nil, fmt.Errorf("malformed comparison: %s (unknown target %s)", line, target)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid txn compare request: %s", line)
	}
	return &cmp, nil
}
