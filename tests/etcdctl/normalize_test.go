package etcdctl

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// ids maps values that differ by nature between runs (member, cluster and
// lease IDs, URLs) to stable placeholders.
type ids struct {
	subst map[string]string
}

func newIDs() *ids { return &ids{subst: map[string]string{}} }

// addString replaces s verbatim.
func (d *ids) addString(s, placeholder string) { d.subst[s] = placeholder }

// addID replaces an ID in the forms etcdctl prints it: decimal, hex and
// zero-padded hex.
func (d *ids) addID(id uint64, name string) {
	if id == 0 {
		return
	}
	d.subst[strconv.FormatUint(id, 10)] = "<" + name + ">"
	d.subst[fmt.Sprintf("%016x", id)] = "<" + name + ">"
	d.subst[strconv.FormatUint(id, 16)] = "<" + name + ">"
	d.subst[strconv.FormatInt(int64(id), 10)] = "<" + name + ">"
}

func (d *ids) apply(s string) string {
	keys := make([]string, 0, len(d.subst))
	for k := range d.subst {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, d.subst[k])
	}
	return s
}

// rule rewrites what differs by nature in one kind of output.
type rule struct {
	re   *regexp.Regexp
	repl string
}

func r(re, repl string) rule { return rule{regexp.MustCompile(re), repl} }

// commonRules apply to every output.
var commonRules = []rule{
	// durations (endpoint health "took")
	r(`\b\d+\.\d+(ns|µs|ms|s)\b|\b\d+(ns|µs|ms)\b`, "<DUR>"),
	// %16x pads IDs shorter than 16 digits with spaces
	r(`(Member|cluster) +<`, "$1 <"),
	// Go pointers in %v of structs
	r(`0x[0-9a-f]{6,}`, "<PTR>"),
	// protobuf-go's one-line text form (alarm list, status errors) puts a
	// second space between fields in some builds, chosen by a hash of the
	// binary, on purpose; etcd's etcdctl v3.7 prints it with %+v.
	r(`(memberID:\S+) +(alarm:)`, "$1 $2"),
}

// logLine matches the JSON log lines of zap loggers (etcd's client logs
// retries; ours does not log by default).
var logLine = regexp.MustCompile(`^\{"level":`)

// normalizeText applies placeholders and rules, drops log lines, and, in
// tables, folds the padding that varies with the width of normalized cells.
func normalizeText(s string, d *ids, extra []rule) string {
	s = d.apply(s)
	for _, rl := range commonRules {
		s = rl.re.ReplaceAllString(s, rl.repl)
	}
	for _, rl := range extra {
		s = rl.re.ReplaceAllString(s, rl.repl)
	}
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if logLine.MatchString(line) {
			continue
		}
		// The server lists members in no fixed order.
		if rest, ok := strings.CutPrefix(line, `ETCD_INITIAL_CLUSTER="`); ok {
			list, tail, _ := strings.Cut(rest, `"`)
			parts := strings.Split(list, ",")
			sort.Strings(parts)
			line = `ETCD_INITIAL_CLUSTER="` + strings.Join(parts, ",") + `"` + tail
		}
		if strings.ContainsAny(line, "│┌├└") {
			line = strings.Join(strings.Fields(line), " ")
			line = regexp.MustCompile(`─+`).ReplaceAllString(line, "─") + "\n"
		}
		out = append(out, line)
	}
	return strings.Join(out, "")
}

// dumpProto renders wire-format bytes as text: fields by number, nested
// messages where bytes parse as one, so that IDs can be normalized.
func dumpProto(b []byte) string {
	var sb strings.Builder
	if !dumpMessage(&sb, b, 0) {
		return fmt.Sprintf("raw %q\n", b)
	}
	return sb.String()
}

func dumpMessage(sb *strings.Builder, b []byte, depth int) bool {
	var lines strings.Builder
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num <= 0 {
			return false
		}
		b = b[n:]
		pad := strings.Repeat("  ", depth)
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return false
			}
			fmt.Fprintf(&lines, "%s%d: %d\n", pad, num, v)
			b = b[n:]
		case protowire.Fixed32Type:
			v, n := protowire.ConsumeFixed32(b)
			if n < 0 {
				return false
			}
			fmt.Fprintf(&lines, "%s%d: f32 %d\n", pad, num, v)
			b = b[n:]
		case protowire.Fixed64Type:
			v, n := protowire.ConsumeFixed64(b)
			if n < 0 {
				return false
			}
			fmt.Fprintf(&lines, "%s%d: f64 %d\n", pad, num, v)
			b = b[n:]
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return false
			}
			var nested strings.Builder
			if len(v) > 0 && !printable(v) && dumpMessage(&nested, v, depth+1) {
				fmt.Fprintf(&lines, "%s%d: {\n%s%s}\n", pad, num, nested.String(), pad)
			} else {
				fmt.Fprintf(&lines, "%s%d: %q\n", pad, num, v)
			}
			b = b[n:]
		default:
			return false
		}
	}
	sb.WriteString(lines.String())
	return true
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}
