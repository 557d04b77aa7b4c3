package ctl

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
)

// printKV writes a key line (unless valueOnly) and a value line.
func printKV(w io.Writer, isHex, valueOnly bool, kv *mvccpb.KeyValue) {
	k, v := string(kv.GetKey()), string(kv.GetValue())
	if isHex {
		k, v = escapedHex(kv.GetKey()), escapedHex(kv.GetValue())
	}
	if !valueOnly {
		fmt.Fprintln(w, k)
	}
	fmt.Fprintln(w, v)
}

// escapedHex spells b as \x.. escapes.
func escapedHex(b []byte) string {
	out := make([]byte, 0, 4*len(b))
	for _, c := range b {
		out = append(out, '\\', 'x')
		out = hex.AppendEncode(out, []byte{c})
	}
	return string(out)
}

// hexID spells a member or cluster ID the way etcd's types.ID does.
func hexID(id uint64) string { return strconv.FormatUint(id, 16) }

// argsRegexp splits a line into words: double-quoted (Go escapes),
// single-quoted (literal), or bare.
var argsRegexp = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?`)

// argify splits a txn or interactive-watch line into arguments.
func argify(s string) ([]string, error) {
	args := argsRegexp.FindAllString(s, -1)
	for i, a := range args {
		switch {
		case a == "":
		case a[0] == '\'':
			args[i] = a[1 : len(a)-1]
		case a[0] == '"':
			if _, err := fmt.Sscanf(a, "%q", &args[i]); err != nil {
				return nil, exitErr(ExitInvalidInput, err)
			}
		}
	}
	return args, nil
}

// commandCtx bounds a short command by --command-timeout.
func commandCtx(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	d, err := cmd.Flags().GetDuration("command-timeout")
	if err != nil {
		d = defaultCommandTimeout
	}
	return context.WithTimeout(cmd.Context(), d)
}

// argOrStdin returns args[i], or all of stdin when there is no args[i].
func argOrStdin(args []string, stdin io.Reader, i int) (string, error) {
	if i < len(args) {
		return args[i], nil
	}
	b, err := io.ReadAll(stdin)
	if len(b) == 0 || err != nil {
		return "", fmt.Errorf("no available argument and stdin")
	}
	return string(b), nil
}

// isSerializable maps a --consistency value to a serializable read. On a bad
// value etcdctl names get's --consistency value in the error, whichever
// command it came from; shown is that value.
func isSerializable(option, shown string) (bool, error) {
	switch option {
	case "s":
		return true, nil
	case "l":
		return false, nil
	}
	return false, exitf(ExitBadFeature, "unknown consistency flag %q", shown)
}
