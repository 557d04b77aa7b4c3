package ctl

import (
	"strings"
	"testing"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// TestPutArgs: put's arguments and flags, checked before it dials.
func TestPutArgs(t *testing.T) {
	tests := []struct {
		args  []string
		stdin string
		want  string // the request, or the error text
		code  int    // with an error, its exit code
	}{
		{args: []string{"k", "v"}, want: `put "k" val="v"`},
		{args: []string{"k"}, stdin: "line1\nline2\n", want: `put "k" val="line1\nline2\n"`},
		{args: []string{"k", "v", "--prev-kv"}, want: `put "k" val="v" prev-kv`},
		{args: []string{"k", "--ignore-value"}, want: `put "k" val=""`},
		{args: []string{"k", "v", "--lease=1ab", "--ignore-lease"}, want: `put "k" val="v"`},
		{args: []string{"k", "v", "extra"}, want: `put "k" val="v"`},
		{args: []string{"--", "-k", "-v"}, want: `put "-k" val="-v"`},

		{args: nil, want: "put command needs 1 argument and input from stdin or 2 arguments", code: ExitBadArgs},
		{args: []string{"k"}, want: "put command needs 1 argument and input from stdin or 2 arguments", code: ExitBadArgs},
		{args: []string{"k", "v", "--ignore-value"}, want: "put command needs only 1 argument when 'ignore-value' is set", code: ExitBadArgs},
		{args: []string{"k", "v", "--lease=xyz"}, want: `bad lease ID (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex`, code: ExitBadArgs},
		{args: []string{"k", "v", "--lease=ffffffffffffffff"}, want: `bad lease ID (strconv.ParseInt: parsing "ffffffffffffffff": value out of range), expecting ID in Hex`, code: ExitBadArgs},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &putFlags{}
			cmd := newPutCommandFlags(f)
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			key, val, opts, err := f.op(cmd.Flags().Args(), strings.NewReader(tt.stdin))
			if tt.code != 0 {
				if err == nil || err.Error() != tt.want || exitCode(err) != tt.code {
					t.Fatalf("error %v (exit %d), want %q (exit %d)", err, exitCode(err), tt.want, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := describeOp(clientv3.OpPut(key, val, opts...)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestDelArgs: del's arguments and flags, checked before it dials.
func TestDelArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string // the request, or the error text
		code int
	}{
		{args: []string{"k"}, want: `del "k"`},
		{args: []string{"a", "c", "--range", "--prev-kv"}, want: `del "a" end="c" prev-kv`},
		{args: []string{"k", "--prefix"}, want: `del "k" end="l"`},
		{args: []string{"", "--prefix"}, want: `del "\x00" end="\x00"`},
		{args: []string{"k", "--from-key"}, want: `del "k" end="\x00"`},

		{args: nil, want: "del command needs one argument as key and an optional argument as range_end", code: ExitBadArgs},
		{args: []string{"a", "b", "c"}, want: "del command needs one argument as key and an optional argument as range_end", code: ExitBadArgs},
		{args: []string{"a", "--prefix", "--from-key"}, want: "`--prefix` and `--from-key` cannot be set at the same time, choose one", code: ExitBadArgs},
		{args: []string{"a", "b", "--prefix"}, want: "too many arguments, only accept one argument when `--prefix` or `--from-key` is set", code: ExitBadArgs},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &delFlags{}
			cmd := newDelCommandFlags(f)
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			var warn strings.Builder
			key, opts, err := f.op(t.Context(), cmd.Flags().Args(), &warn)
			if tt.code != 0 {
				if err == nil || err.Error() != tt.want || exitCode(err) != tt.code {
					t.Fatalf("error %v (exit %d), want %q (exit %d)", err, exitCode(err), tt.want, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if warn.Len() != 0 {
				t.Errorf("warned %q", warn.String())
			}
			if got := describeOp(clientv3.OpDelete(key, opts...)); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}
