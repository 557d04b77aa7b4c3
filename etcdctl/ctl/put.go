package ctl

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// putFlags are the options of put (and of put inside a txn).
type putFlags struct {
	lease       string
	prevKV      bool
	ignoreValue bool
	ignoreLease bool
}

func newPutCommandFlags(f *putFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "put [options] <key> <value> (<value> can also be given from stdin)",
		Short: "Puts the given key into the store",
		Long: `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`,
	}
	cmd.Flags().StringVar(&f.lease, "lease", "0", "lease ID (in hexadecimal) to attach to the key")
	cmd.Flags().BoolVar(&f.prevKV, "prev-kv", false, "return the previous key-value pair before modification")
	cmd.Flags().BoolVar(&f.ignoreValue, "ignore-value", false, "updates the key using its current value")
	cmd.Flags().BoolVar(&f.ignoreLease, "ignore-lease", false, "updates the key using its current lease")
	return cmd
}

func (a *app) newPutCommand() *cobra.Command {
	f := &putFlags{}
	cmd := newPutCommandFlags(f)
	cmd.GroupID = groupKV
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		key, value, opts, err := f.op(args, a.In)
		if err != nil {
			return err
		}
		ctx, cancel := commandCtx(cmd)
		defer cancel()
		c, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer c.Close()
		resp, err := c.Put(ctx, key, value, opts...)
		if err != nil {
			return exitErr(ExitError, err)
		}
		return a.display.Put(resp)
	})
	return cmd
}

// op checks put's arguments and turns them into a key, value and options.
func (f *putFlags) op(args []string, stdin io.Reader) (string, string, []clientv3.OpOption, error) {
	if len(args) == 0 {
		return "", "", nil, exitErr(ExitBadArgs, errors.New("put command needs 1 argument and input from stdin or 2 arguments"))
	}
	key := args[0]
	if f.ignoreValue && len(args) > 1 {
		return "", "", nil, exitErr(ExitBadArgs, errors.New("put command needs only 1 argument when 'ignore-value' is set"))
	}
	var value string
	if !f.ignoreValue {
		var err error
		if value, err = argOrStdin(args, stdin, 1); err != nil {
			return "", "", nil, exitErr(ExitBadArgs, errors.New("put command needs 1 argument and input from stdin or 2 arguments"))
		}
	}
	id, err := strconv.ParseInt(f.lease, 16, 64)
	if err != nil {
		return "", "", nil, exitErr(ExitBadArgs, fmt.Errorf("bad lease ID (%w), expecting ID in Hex", err))
	}
	var opts []clientv3.OpOption
	if id != 0 {
		opts = append(opts, clientv3.WithLease(clientv3.LeaseID(id)))
	}
	if f.prevKV {
		opts = append(opts, clientv3.WithPrevKV())
	}
	if f.ignoreValue {
		opts = append(opts, clientv3.WithIgnoreValue())
	}
	if f.ignoreLease {
		opts = append(opts, clientv3.WithIgnoreLease())
	}
	return key, value, opts, nil
}
