package ctl

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// getFlags are the options of get (and of get inside a txn).
type getFlags struct {
	consistency                string
	limit                      int64
	sortOrder, sortTarget      string
	prefix, fromKey            bool
	rev                        int64
	keysOnly, countOnly        bool
	printValueOnly             bool
	minCreateRev, maxCreateRev int64
	minModRev, maxModRev       int64
	stream                     bool
}

func newGetCommandFlags(f *getFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get [options] <key> [range_end]",
		Short: "Gets the key or a range of keys",
	}
	fl := cmd.Flags()
	fl.StringVar(&f.consistency, "consistency", "l", "Linearizable(l) or Serializable(s)")
	fl.StringVar(&f.sortOrder, "order", "", "Order of results; ASCEND or DESCEND (ASCEND by default)")
	fl.StringVar(&f.sortTarget, "sort-by", "", "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION")
	fl.Int64Var(&f.limit, "limit", 0, "Maximum number of results")
	fl.BoolVar(&f.prefix, "prefix", false, "Get keys with matching prefix")
	fl.BoolVar(&f.fromKey, "from-key", false, "Get keys that are greater than or equal to the given key using byte compare")
	fl.Int64Var(&f.rev, "rev", 0, "Specify the kv revision")
	fl.BoolVar(&f.keysOnly, "keys-only", false, "Get only the keys")
	fl.BoolVar(&f.countOnly, "count-only", false, "Get only the count")
	fl.BoolVar(&f.printValueOnly, "print-value-only", false, `Only write values when using the "simple" output format`)
	fl.Int64Var(&f.minCreateRev, "min-create-rev", 0, "Minimum create revision")
	fl.Int64Var(&f.maxCreateRev, "max-create-rev", 0, "Maximum create revision")
	fl.Int64Var(&f.minModRev, "min-mod-rev", 0, "Minimum modification revision")
	fl.Int64Var(&f.maxModRev, "max-mod-rev", 0, "Maximum modification revision")
	fl.BoolVar(&f.stream, "stream", false, "Use the RangeStream RPC")
	complete := func(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return vals, cobra.ShellCompDirectiveDefault
		}
	}
	_ = cmd.RegisterFlagCompletionFunc("consistency", complete("l", "s"))
	_ = cmd.RegisterFlagCompletionFunc("order", complete("ASCEND", "DESCEND"))
	_ = cmd.RegisterFlagCompletionFunc("sort-by", complete("CREATE", "KEY", "MODIFY", "VALUE", "VERSION"))
	return cmd
}

func (a *app) newGetCommand() *cobra.Command {
	f := &getFlags{}
	cmd := newGetCommandFlags(f)
	cmd.GroupID = groupKV
	cmd.RunE = run(func(cmd *cobra.Command, args []string) error {
		key, opts, err := f.op(args)
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
		var resp *clientv3.GetResponse
		if f.stream {
			var stream clientv3.GetStreamChan
			if stream, err = c.GetStream(ctx, key, opts...); err == nil {
				resp, err = clientv3.GetStreamToGetResponse(stream)
			}
		} else {
			resp, err = c.Get(ctx, key, opts...)
		}
		cancel()
		if err != nil {
			return exitErr(ExitError, err)
		}
		if f.countOnly {
			if _, ok := a.display.(*fieldsPrinter); !ok {
				return exitErr(ExitBadArgs, errors.New("--count-only is only for `--write-out=fields`"))
			}
		}
		if f.printValueOnly {
			sp, ok := a.display.(*simplePrinter)
			if !ok {
				return exitErr(ExitBadArgs, errors.New("print-value-only is only for `--write-out=simple`"))
			}
			sp.valueOnly = true
		}
		return a.display.Get(resp)
	})
	return cmd
}

// op checks get's arguments and turns them into a key and options.
func (f *getFlags) op(args []string) (string, []clientv3.OpOption, error) {
	if len(args) == 0 {
		return "", nil, exitErr(ExitBadArgs, errors.New("get command needs one argument as key and an optional argument as range_end"))
	}
	if f.prefix && f.fromKey {
		return "", nil, exitErr(ExitBadArgs, errors.New("`--prefix` and `--from-key` cannot be set at the same time, choose one"))
	}
	if f.keysOnly && f.countOnly {
		return "", nil, exitErr(ExitBadArgs, errors.New("`--keys-only` and `--count-only` cannot be set at the same time, choose one"))
	}

	var opts []clientv3.OpOption
	serializable, err := isSerializable(f.consistency, f.consistency)
	if err != nil {
		return "", nil, err
	}
	if serializable {
		opts = append(opts, clientv3.WithSerializable())
	}

	key := args[0]
	if len(args) > 1 {
		if f.prefix || f.fromKey {
			return "", nil, exitErr(ExitBadArgs, errors.New("too many arguments, only accept one argument when `--prefix` or `--from-key` is set"))
		}
		opts = append(opts, clientv3.WithRange(args[1]))
	}

	opts = append(opts, clientv3.WithLimit(f.limit))
	if f.rev > 0 {
		opts = append(opts, clientv3.WithRev(f.rev))
	}

	order := clientv3.SortNone
	switch strings.ToUpper(f.sortOrder) {
	case "ASCEND":
		order = clientv3.SortAscend
	case "DESCEND":
		order = clientv3.SortDescend
	case "":
	default:
		return "", nil, exitf(ExitBadFeature, "bad sort order %v", f.sortOrder)
	}
	target := clientv3.SortByKey
	switch strings.ToUpper(f.sortTarget) {
	case "CREATE":
		target = clientv3.SortByCreateRevision
	case "KEY", "":
		target = clientv3.SortByKey
	case "MODIFY":
		target = clientv3.SortByModRevision
	case "VALUE":
		target = clientv3.SortByValue
	case "VERSION":
		target = clientv3.SortByVersion
	default:
		return "", nil, exitf(ExitBadFeature, "bad sort target %v", f.sortTarget)
	}
	opts = append(opts, clientv3.WithSort(target, order))

	if f.prefix {
		if key == "" {
			key = "\x00"
			opts = append(opts, clientv3.WithFromKey())
		} else {
			opts = append(opts, clientv3.WithPrefix())
		}
	}
	if f.fromKey {
		if key == "" {
			key = "\x00"
		}
		opts = append(opts, clientv3.WithFromKey())
	}
	if f.keysOnly {
		opts = append(opts, clientv3.WithKeysOnly())
	}
	if f.countOnly {
		opts = append(opts, clientv3.WithCountOnly())
	}
	if f.minCreateRev > 0 {
		opts = append(opts, clientv3.WithMinCreateRev(f.minCreateRev))
	}
	if f.maxCreateRev > 0 {
		if f.minCreateRev > f.maxCreateRev {
			return "", nil, exitf(ExitBadFeature, "getMinCreateRev(=%v) > getMaxCreateRev(=%v)", f.minCreateRev, f.maxCreateRev)
		}
		opts = append(opts, clientv3.WithMaxCreateRev(f.maxCreateRev))
	}
	if f.minModRev > 0 {
		opts = append(opts, clientv3.WithMinModRev(f.minModRev))
	}
	if f.maxModRev > 0 {
		if f.minModRev > f.maxModRev {
			return "", nil, exitf(ExitBadFeature, "getMinModRev(=%v) > getMaxModRev(=%v)", f.minModRev, f.maxModRev)
		}
		opts = append(opts, clientv3.WithMaxModRev(f.maxModRev))
	}
	return key, opts, nil
}
