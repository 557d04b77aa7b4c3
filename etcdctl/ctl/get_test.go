package ctl

import (
	"strings"
	"testing"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// TestGetArgs: get's arguments and flags, checked before it dials.
func TestGetArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string // the request, or the error text
		code int
	}{
		{args: []string{"k"}, want: `get "k"`},
		{args: []string{"a", "c"}, want: `get "a" end="c"`},
		{args: []string{"k", "--prefix"}, want: `get "k" end="l"`},
		{args: []string{"", "--prefix"}, want: `get "\x00" end="\x00"`},
		{args: []string{"k", "--from-key"}, want: `get "k" end="\x00"`},
		{args: []string{"", "--from-key"}, want: `get "\x00" end="\x00"`},
		{args: []string{"k", "--rev=7", "--limit=3", "--consistency=s"}, want: `get "k" rev=7 limit=3 serializable`},
		{args: []string{"k", "--rev=-1"}, want: `get "k"`},
		{args: []string{"k", "--keys-only", "--order=descend", "--sort-by=value"}, want: `get "k" keys-only`},
		{args: []string{"k", "--count-only"}, want: `get "k" count-only`},
		{args: []string{"k", "--min-create-rev=2", "--max-create-rev=2", "--min-mod-rev=1", "--max-mod-rev=9"}, want: `get "k" minmod=1 maxmod=9 mincreate=2 maxcreate=2`},

		{args: nil, want: "get command needs one argument as key and an optional argument as range_end", code: ExitBadArgs},
		{args: []string{"k", "--prefix", "--from-key"}, want: "`--prefix` and `--from-key` cannot be set at the same time, choose one", code: ExitBadArgs},
		{args: []string{"k", "--keys-only", "--count-only"}, want: "`--keys-only` and `--count-only` cannot be set at the same time, choose one", code: ExitBadArgs},
		{args: []string{"a", "b", "--from-key"}, want: "too many arguments, only accept one argument when `--prefix` or `--from-key` is set", code: ExitBadArgs},
		{args: []string{"k", "--consistency=q"}, want: `unknown consistency flag "q"`, code: ExitBadFeature},
		{args: []string{"k", "--order=up"}, want: "bad sort order up", code: ExitBadFeature},
		{args: []string{"k", "--sort-by=size"}, want: "bad sort target size", code: ExitBadFeature},
		{args: []string{"k", "--min-mod-rev=5", "--max-mod-rev=3"}, want: "getMinModRev(=5) > getMaxModRev(=3)", code: ExitBadFeature},
		{args: []string{"k", "--min-create-rev=5", "--max-create-rev=3"}, want: "getMinCreateRev(=5) > getMaxCreateRev(=3)", code: ExitBadFeature},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &getFlags{}
			cmd := newGetCommandFlags(f)
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			key, opts, err := f.op(cmd.Flags().Args())
			if tt.code != 0 {
				if err == nil || err.Error() != tt.want || exitCode(err) != tt.code {
					t.Fatalf("error %v (exit %d), want %q (exit %d)", err, exitCode(err), tt.want, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := describeOp(clientv3.OpGet(key, opts...)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}
