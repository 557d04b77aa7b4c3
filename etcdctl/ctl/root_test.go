package ctl

import (
	"bytes"
	"strings"
	"testing"
)

// TestMainUsageErrors: bad commands, flags and arguments, refused before
// etcdctl dials, with etcd's messages, streams and exit codes.
func TestMainUsageErrors(t *testing.T) {
	tests := []struct {
		args           []string
		stdout, stderr string // exact, unless a prefix ends in "…"
		code           int
	}{
		{args: []string{"version"}, stdout: "etcdctl version: 3.7.3\nAPI version: 3.7\n"},
		{args: []string{"vers"}, stdout: "etcdctl version: 3.7.3\nAPI version: 3.7\n"},
		{args: []string{"frobnicate"}, stderr: "Error: unknown command \"frobnicate\" for \"etcdctl\"\nRun 'etcdctl --help' for usage.\n", code: ExitError},
		{args: []string{"get", "--frob", "foo"}, stderr: "Error: unknown flag: --frob\nUsage:\n  etcdctl get [options] <key> [range_end] [flags]\n\nFlags:\n…", code: ExitError},
		{args: []string{"completion", "tcsh"}, stderr: "Error: invalid argument \"tcsh\" for \"etcdctl completion\"\nUsage:\n  etcdctl completion [bash|zsh|fish|powershell]\n\nFlags:\n  -h, --help   help for completion\n\n", code: ExitError},
		{args: []string{"-w", "yaml", "get", "foo"}, stderr: "Error: unsupported output format\n", code: ExitBadFeature},
		{args: []string{"get"}, stderr: "Error: get command needs one argument as key and an optional argument as range_end\n", code: ExitBadArgs},
		{args: []string{"put"}, stderr: "Error: put command needs 1 argument and input from stdin or 2 arguments\n", code: ExitBadArgs},
		{args: []string{"del"}, stderr: "Error: del command needs one argument as key and an optional argument as range_end\n", code: ExitBadArgs},
		{args: []string{"txn", "x"}, stderr: "Error: txn command does not accept argument\n", code: ExitBadArgs},
		{args: []string{"watch"}, stderr: "Error: bad number of arguments\n", code: ExitBadArgs},
		{args: []string{"watch", "foo", "--"}, stderr: "Error: bad number of arguments (found separator --, but no commands)\n", code: ExitBadArgs},
		{args: []string{"lease", "grant", "abc"}, stderr: "Error: bad TTL (strconv.ParseInt: parsing \"abc\": invalid syntax)\n", code: ExitBadArgs},
		{args: []string{"compaction", "x"}, stderr: "Error: strconv.ParseInt: parsing \"x\": invalid syntax\n", code: ExitError},
		{args: []string{"move-leader", "xyz"}, stderr: "Error: strconv.ParseUint: parsing \"xyz\": invalid syntax\n", code: ExitBadArgs},
		{args: []string{"check", "perf", "--load=huge"}, stderr: "Error: unknown load option huge\n", code: ExitBadFeature},
		{args: []string{"alarm", "list", "x"}, stderr: "Error: alarm list command accepts no arguments\n", code: ExitBadArgs},
		{args: []string{"snapshot", "save"}, stderr: "Error: snapshot save expects one argument <filename>\n", code: ExitBadArgs},
		{args: []string{"alarm"}, stdout: "Alarm related commands\n\nUsage:\n  etcdctl alarm [command]\n…"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(append([]string{"etcdctl"}, tt.args...), Stdio{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, s := range []struct{ name, got, want string }{{"stdout", stdout.String(), tt.stdout}, {"stderr", stderr.String(), tt.stderr}} {
				if prefix, ok := strings.CutSuffix(s.want, "…"); ok {
					if !strings.HasPrefix(s.got, prefix) {
						t.Errorf("%s %q, want it to start with %q", s.name, s.got, prefix)
					}
				} else if s.got != s.want {
					t.Errorf("%s %q, want %q", s.name, s.got, s.want)
				}
			}
		})
	}
}
