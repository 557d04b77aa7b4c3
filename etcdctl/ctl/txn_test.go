package ctl

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// describeCmp spells a comparison as "TARGET RESULT key value".
func describeCmp(c clientv3.Cmp) string {
	pc := c.GetCompare()
	var v any
	switch u := pc.TargetUnion.(type) {
	case *pb.Compare_Version:
		v = u.Version
	case *pb.Compare_CreateRevision:
		v = u.CreateRevision
	case *pb.Compare_ModRevision:
		v = u.ModRevision
	case *pb.Compare_Value:
		v = fmt.Sprintf("%q", u.Value)
	case *pb.Compare_Lease:
		v = u.Lease
	}
	return fmt.Sprintf("%v %v %q %v", pc.Target, pc.Result, pc.Key, v)
}

// describeOp spells what a request does, with the options that show.
func describeOp(op clientv3.Op) string {
	var b strings.Builder
	switch {
	case op.IsPut():
		b.WriteString("put")
	case op.IsGet():
		b.WriteString("get")
	case op.IsDelete():
		b.WriteString("del")
	default:
		b.WriteString("?")
	}
	fmt.Fprintf(&b, " %q", op.KeyBytes())
	if end := op.RangeBytes(); end != nil {
		fmt.Fprintf(&b, " end=%q", end)
	}
	if op.IsPut() {
		fmt.Fprintf(&b, " val=%q", op.ValueBytes())
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"rev", op.Rev()}, {"limit", op.Limit()}, {"minmod", op.MinModRev()}, {"maxmod", op.MaxModRev()}, {"mincreate", op.MinCreateRev()}, {"maxcreate", op.MaxCreateRev()}} {
		if f.v != 0 {
			fmt.Fprintf(&b, " %s=%d", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		on   bool
	}{{"serializable", op.IsSerializable()}, {"keys-only", op.IsKeysOnly()}, {"count-only", op.IsCountOnly()}, {"prev-kv", op.IsPrevKV()}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	return b.String()
}

// exitCode is err's etcdctl exit code, or -1 when it carries none.
func exitCode(err error) int {
	if e, ok := asExit(err); ok {
		return e.Code
	}
	return -1
}

func TestParseCompare(t *testing.T) {
	tests := []struct {
		line, want, err string
	}{
		{line: `mod("foo") > "0"`, want: `MOD GREATER "foo" 0`},
		{line: `m("foo") < "12"`, want: `MOD LESS "foo" 12`},
		{line: `create("a b") = "3"`, want: `CREATE EQUAL "a b" 3`},
		{line: `c("k") != "3"`, want: `CREATE NOT_EQUAL "k" 3`},
		{line: `ver("k") = "1"`, want: `VERSION EQUAL "k" 1`},
		{line: `version("k") > "-1"`, want: `VERSION GREATER "k" -1`},
		{line: `val("k") = "v"`, want: `VALUE EQUAL "k" "v"`},
		{line: `value("k\n") != "a \"quoted\" value"`, want: `VALUE NOT_EQUAL "k\n" "a \"quoted\" value"`},
		{line: `val("k") = ""`, want: `VALUE EQUAL "k" ""`},
		{line: `lease("k") = "694d5765fc71500b"`, want: `LEASE EQUAL "k" 7587817042727751691`},
		{line: `lease("k") = "0"`, want: `LEASE EQUAL "k" 0`},

		{line: `mod "foo" > "0"`, err: `malformed comparison: mod "foo" > "0"`},
		{line: `mod(foo) > "0"`, err: `malformed comparison: mod(foo) > "0"; got mod("")  ""`},
		{line: `mod("foo") >`, err: `malformed comparison: mod("foo") >; got mod("foo") > ""`},
		{line: `size("foo") > "0"`, err: `malformed comparison: size("foo") > "0" (unknown target size)`},
		{line: `ver("k") = "one"`, err: `invalid txn compare request: ver("k") = "one"`},
		{line: `mod("k") > "1.5"`, err: `invalid txn compare request: mod("k") > "1.5"`},
		{line: `lease("k") = "xyz"`, err: `invalid txn compare request: lease("k") = "xyz"`},
		{line: `val("k") >= "v"`, err: `malformed comparison: val("k") >= "v" (unknown operator >=)`},
		{line: `mod("k") == "1"`, err: `malformed comparison: mod("k") == "1" (unknown operator ==)`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmp, err := parseCompare(tt.line)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := describeCmp(*cmp); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		line, stdin string
		want        string
		code        int    // with an error: its exit code (-1: none)
		err         string // the error's text
		stderr      string // a prefix of what is printed on stderr
	}{
		{line: "put k v", want: `put "k" val="v"`},
		{line: `put "a key" 'a value'`, want: `put "a key" val="a value"`},
		{line: "put k --prev-kv v", want: `put "k" val="v" prev-kv`},
		{line: "put k", stdin: "from stdin", want: `put "k" val="from stdin"`},
		{line: "put k -- -v", want: `put "k" val="-v"`},
		{line: "put k --ignore-value", want: `put "k" val=""`},
		{line: "get k", want: `get "k"`},
		{line: "get k --prefix --keys-only", want: `get "k" end="l" keys-only`},
		{line: "get a c --rev=3 --limit 2", want: `get "a" end="c" rev=3 limit=2`},
		{line: "get '' --from-key --consistency=s", want: `get "\x00" end="\x00" serializable`},
		{line: "get k --count-only --min-mod-rev=2 --max-mod-rev=4", want: `get "k" minmod=2 maxmod=4 count-only`},
		{line: "del k", want: `del "k"`},
		{line: "del k --prev-kv --prefix", want: `del "k" end="l" prev-kv`},
		{line: "del a b --range", want: `del "a" end="b"`},

		{line: "put", code: -1, err: "invalid txn compare request: put"},
		{line: "frob k v", code: -1, err: "invalid txn request: frob k v"},
		{line: "get k --frob", code: -1, err: "invalid txn request: get k --frob", stderr: "Usage:\n   get [options] <key> [range_end] [flags]\n"},
		{line: "put k --help", code: -1, err: "invalid txn request: put k --help", stderr: "\nPuts the given key into the store."},
		{line: "help put", code: -1, err: "invalid txn request: help put"},
		{line: "put k", code: ExitBadArgs, err: "put command needs 1 argument and input from stdin or 2 arguments"},
		{line: "put k v --lease=xyz", code: ExitBadArgs, err: `bad lease ID (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex`},
		{line: "put k v --ignore-value", code: ExitBadArgs, err: "put command needs only 1 argument when 'ignore-value' is set"},
		{line: "get k --prefix --from-key", code: ExitBadArgs, err: "`--prefix` and `--from-key` cannot be set at the same time, choose one"},
		{line: "get k --consistency=x", code: ExitBadFeature, err: `unknown consistency flag "x"`},
		{line: "get k --sort-by=size", code: ExitBadFeature, err: "bad sort target size"},
		{line: "del a b c", code: ExitBadArgs, err: "del command needs one argument as key and an optional argument as range_end"},
		{line: `put "\q" v`, code: ExitInvalidInput, err: "invalid syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			var stderr bytes.Buffer
			op, err := parseRequest(context.Background(), tt.line, strings.NewReader(tt.stdin), &stderr)
			if !strings.HasPrefix(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q, want it to start with %q", stderr.String(), tt.stderr)
			}
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || exitCode(err) != tt.code {
					t.Fatalf("error %v (exit %d), want %q (exit %d)", err, exitCode(err), tt.err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := describeOp(*op); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestParseRequestDelRange: a range delete without --range warns on
// stderr and waits, as the del command does; the context ends the wait.
func TestParseRequestDelRange(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	_, err := parseRequest(ctx, "del a b", strings.NewReader(""), &stderr)
	if exitCode(err) != ExitInterrupted {
		t.Fatalf("error %v, want exit %d", err, ExitInterrupted)
	}
	want := `Warning: Keys between "a" and "b" will be deleted. Please interrupt the command within next 2 seconds to cancel. You can provide ` + "`--range`" + ` flag to avoid the delay.` + "\n"
	if stderr.String() != want {
		t.Fatalf("stderr %q, want %q", stderr.String(), want)
	}
}

// readTxn reads the three parts of a txn from in, as the txn command does.
func readTxn(ctx context.Context, in string) (cmps []clientv3.Cmp, thenOps, elseOps []clientv3.Op, err error) {
	r := bufio.NewReader(strings.NewReader(in))
	if cmps, err = readCompares(r); err != nil {
		return nil, nil, nil, err
	}
	if thenOps, err = readOps(ctx, r, strings.NewReader(""), io.Discard); err != nil {
		return nil, nil, nil, err
	}
	elseOps, err = readOps(ctx, r, strings.NewReader(""), io.Discard)
	return cmps, thenOps, elseOps, err
}

// TestReadTxn: the three blank-line-ended parts of a txn on stdin.
func TestReadTxn(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // compares | then | else
		code     int    // with an error, its exit code
	}{
		{"full", "mod(\"foo\") > \"0\"\nval(\"r/0\") = \"v2\"\n\nput foo txn1\nget r/ --prefix\n\nput foo never\n\n",
			`MOD GREATER "foo" 0, VALUE EQUAL "r/0" "v2" | put "foo" val="txn1", get "r/" end="r0" | put "foo" val="never"`, 0},
		{"empty", "\n\n\n", " |  | ", 0},
		{"spaces trimmed", "  ver(\"k\") = \"1\"  \n \t\n  del k  \n\n\n", `VERSION EQUAL "k" 1 | del "k" | `, 0},
		{"eof in compares", "mod(\"foo\") > \"0\"\n", "", ExitInvalidInput},
		{"eof in else", "\n\nput a b\n", "", ExitInvalidInput},
		{"no newline at the end", "\n\nput a b", "", ExitInvalidInput},
		{"bad compare", "mod(foo) > 0\n\n\n\n", "", ExitInvalidInput},
		{"bad request", "\nfrob foo bar\n\n\n", "", ExitInvalidInput},
		{"bad request flag value", "\nget foo --sort-by=x\n\n\n", "", ExitBadFeature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmps, thenOps, elseOps, err := readTxn(context.Background(), tt.in)
			if tt.code != 0 {
				if exitCode(err) != tt.code {
					t.Fatalf("error %v (exit %d), want exit %d", err, exitCode(err), tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var cs, ts, es []string
			for _, c := range cmps {
				cs = append(cs, describeCmp(c))
			}
			for _, o := range thenOps {
				ts = append(ts, describeOp(o))
			}
			for _, o := range elseOps {
				es = append(es, describeOp(o))
			}
			got := strings.Join(cs, ", ") + " | " + strings.Join(ts, ", ") + " | " + strings.Join(es, ", ")
			if got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// FuzzTxn feeds arbitrary stdin to the txn parser: it never panics, and it
// either parses or fails with one of the exit codes of bad input.
func FuzzTxn(f *testing.F) {
	for _, seed := range []string{
		"mod(\"foo\") > \"0\"\nval(\"r/0\") = \"v2\"\n\nput foo txn1\nget r/ --prefix\ndel r/2 --prev-kv\n\nput foo never\n\n",
		"ver(\"nokey\") > \"5\"\n\nput a b\n\nput txnelse v\nget txnelse\n\n",
		"lease(\"k\") = \"694d5765fc71500b\"\nc(\"k\") != \"3\"\n\n\n\n",
		"val(\"k\") >= \"v\"\n\n\n\n",
		"\nget foo --frob\n\n\n",
		"\nhelp put\nput k --help\n\n\n",
		"\nput \"a\\\"b\" 'c d'\ndel a b\n\n\n",
		"\nget '' --from-key --sort-by=VALUE --order=DESCEND --limit=3 --rev=2\n\n\n",
	} {
		f.Add(seed)
	}
	// A range delete without --range would wait two seconds.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.Fuzz(func(t *testing.T, in string) {
		cmps, thenOps, elseOps, err := readTxn(ctx, in)
		if err != nil {
			switch exitCode(err) {
			case ExitInvalidInput, ExitBadArgs, ExitBadFeature, ExitInterrupted:
			default:
				t.Fatalf("error %v with exit code %d", err, exitCode(err))
			}
			return
		}
		for _, c := range cmps {
			if c.GetCompare().TargetUnion == nil {
				t.Fatalf("comparison without a value: %s", describeCmp(c))
			}
		}
		for _, op := range append(thenOps, elseOps...) {
			if !op.IsPut() && !op.IsGet() && !op.IsDelete() {
				t.Fatalf("request of no kind: %s", describeOp(op))
			}
		}
	})
}
