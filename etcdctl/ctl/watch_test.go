package ctl

import (
	"errors"
	"reflect"
	"testing"
)

// TestParseWatchArgs: the key, range end and exec command of a watch, from
// the command line (cobra drops "--", the raw arguments keep it) or from an
// interactive "watch …" line, with ETCDCTL_WATCH_KEY/RANGE_END.
func TestParseWatchArgs(t *testing.T) {
	tests := []struct {
		name             string
		osArgs, cmdArgs  []string
		envKey, envRange string
		interactive      bool
		// the flags an interactive line leaves set
		prefix, prevKV bool
		rev            int64

		watch, exec []string
		err         error  // a sentinel, or nil
		errText     string // or an error text
	}{
		{name: "key and range", osArgs: []string{"etcdctl", "watch", "foo", "bar"}, cmdArgs: []string{"foo", "bar"}, watch: []string{"foo", "bar"}},
		{name: "key after flags", osArgs: []string{"etcdctl", "watch", "--rev", "1", "foo"}, cmdArgs: []string{"foo"}, watch: []string{"foo"}},
		{name: "global flags first", osArgs: []string{"etcdctl", "--endpoints=a:1", "watch", "foo", "--", "echo", "x"}, cmdArgs: []string{"foo", "echo", "x"}, watch: []string{"foo"}, exec: []string{"echo", "x"}},
		{name: "exec", osArgs: []string{"etcdctl", "watch", "foo", "--", "echo", "hi"}, cmdArgs: []string{"foo", "echo", "hi"}, watch: []string{"foo"}, exec: []string{"echo", "hi"}},
		{name: "exec word equals key", osArgs: []string{"etcdctl", "watch", "foo", "--", "foo", "x"}, cmdArgs: []string{"foo", "foo", "x"}, watch: []string{"foo"}, exec: []string{"foo", "x"}},
		{name: "range and exec", osArgs: []string{"etcdctl", "watch", "a", "b", "--", "sh", "-c", "env"}, cmdArgs: []string{"a", "b", "sh", "-c", "env"}, watch: []string{"a", "b"}, exec: []string{"sh", "-c", "env"}},
		{name: "separator only", osArgs: []string{"etcdctl", "watch", "foo", "--"}, cmdArgs: []string{"foo"}, err: errBadArgsNumSeparator},
		{name: "nothing", osArgs: []string{"etcdctl", "watch"}, err: errBadArgsNum},
		{name: "env key", osArgs: []string{"etcdctl", "watch"}, envKey: "foo", watch: []string{"foo"}},
		{name: "env key and range", osArgs: []string{"etcdctl", "watch"}, envKey: "foo", envRange: "bar", watch: []string{"foo", "bar"}},
		{name: "env key and exec", osArgs: []string{"etcdctl", "watch", "--", "echo", "hi"}, cmdArgs: []string{"echo", "hi"}, envKey: "foo", watch: []string{"foo"}, exec: []string{"echo", "hi"}},
		{name: "env key and key", osArgs: []string{"etcdctl", "watch", "foo"}, cmdArgs: []string{"foo"}, envKey: "foo", err: errBadArgsNumConflictEnv},
		{name: "env key and range arguments", osArgs: []string{"etcdctl", "watch", "foo", "bar"}, cmdArgs: []string{"foo", "bar"}, envKey: "foo", envRange: "bar", err: errBadArgsNumConflictEnv},
		{name: "env key, key and exec", osArgs: []string{"etcdctl", "watch", "foo", "--", "echo"}, cmdArgs: []string{"foo", "echo"}, envKey: "foo", err: errBadArgsNumConflictEnv},

		{name: "interactive", interactive: true, cmdArgs: []string{"watch", "foo"}, watch: []string{"foo"}},
		{name: "interactive flags", interactive: true, cmdArgs: []string{"watch", "foo", "--rev", "5", "--prefix", "--prev-kv"}, watch: []string{"foo"}, rev: 5, prefix: true, prevKV: true},
		{name: "interactive exec", interactive: true, cmdArgs: []string{"watch", "foo", "--rev=2", "--", "echo", "hi"}, watch: []string{"foo"}, exec: []string{"echo", "hi"}, rev: 2},
		{name: "interactive range", interactive: true, cmdArgs: []string{"watch", "a", "b"}, watch: []string{"a", "b"}},
		{name: "interactive env key", interactive: true, cmdArgs: []string{"watch"}, envKey: "foo", watch: []string{"foo"}},
		{name: "interactive env key and exec", interactive: true, cmdArgs: []string{"watch", "--", "echo"}, envKey: "k", envRange: "z", watch: []string{"k", "z"}, exec: []string{"echo"}},
		{name: "interactive not watch", interactive: true, cmdArgs: []string{"foo", "bar"}, err: errBadArgsInteractiveWatch},
		{name: "interactive separator only", interactive: true, cmdArgs: []string{"watch", "foo", "--"}, err: errBadArgsNumSeparator},
		{name: "interactive no key", interactive: true, cmdArgs: []string{"watch", "--rev", "1"}, err: errBadArgsNum},
		{name: "interactive env key and key", interactive: true, cmdArgs: []string{"watch", "foo"}, envKey: "foo", err: errBadArgsNumConflictEnv},
		{name: "interactive bad flag", interactive: true, cmdArgs: []string{"watch", "--frob", "foo"}, errText: "unknown flag: --frob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// An interactive line sets the flags anew: earlier ones go.
			f := &watchFlags{prefix: true, prevKV: true, rev: 99}
			if !tt.interactive {
				f = &watchFlags{}
			}
			watch, exec, err := parseWatchArgs(tt.osArgs, tt.cmdArgs, tt.envKey, tt.envRange, tt.interactive, f)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			case tt.errText != "":
				if err == nil || err.Error() != tt.errText {
					t.Fatalf("error %v, want %q", err, tt.errText)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			if !reflect.DeepEqual(watch, tt.watch) || !reflect.DeepEqual(exec, tt.exec) {
				t.Fatalf("watch %q exec %q, want %q %q", watch, exec, tt.watch, tt.exec)
			}
			if tt.interactive && (f.prefix != tt.prefix || f.prevKV != tt.prevKV || f.rev != tt.rev) {
				t.Fatalf("flags prefix=%v prev-kv=%v rev=%d, want %v %v %d", f.prefix, f.prevKV, f.rev, tt.prefix, tt.prevKV, tt.rev)
			}
		})
	}
}

// TestArgify: txn and interactive watch lines split into words, with
// double-quoted (Go escapes) and single-quoted (literal) words.
func TestArgify(t *testing.T) {
	tests := []struct {
		line string
		want []string
		code int
	}{
		{line: "put k v", want: []string{"put", "k", "v"}},
		{line: "  put   k\tv  ", want: []string{"put", "k", "v"}},
		{line: `put "a key" 'a value'`, want: []string{"put", "a key", "a value"}},
		{line: `put "a\"b\n" x`, want: []string{"put", "a\"b\n", "x"}},
		{line: `watch 'it''s' x`, want: []string{"watch", "it", "s", "x"}},
		{line: `put '' ""`, want: []string{"put", "", ""}},
		{line: "watch foo -- sh -c 'echo $X'", want: []string{"watch", "foo", "--", "sh", "-c", "echo $X"}},
		{line: "", want: nil},
		{line: `put "\q"`, code: ExitInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := argify(tt.line)
			if tt.code != 0 {
				if exitCode(err) != tt.code {
					t.Fatalf("error %v, want exit %d", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
