// Package history is the shared, implementation-neutral part of the etcd
// compatibility tests: a tiny script format for a write history and the JSON
// dump both sides produce from a data file. It imports neither etcd nor our
// mvcc, so both test binaries can use it.
package history

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Op is one write of a transaction.
type Op struct {
	Del   bool
	Key   string
	End   string // del only; "" is a single key
	Value string
	Lease int64
}

// Step is one write transaction, or a compaction when Compact > 0.
type Step struct {
	Ops     []Op
	Compact int64
}

// Parse reads a script: one step per line,
//
//	put KEY VALUE [lease=N]
//	del KEY [END]
//	txn OP | OP | ...
//	compact REV
//
// '#' starts a comment.
func Parse(r io.Reader) ([]Step, error) {
	var steps []Step
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		var st Step
		switch {
		case strings.HasPrefix(line, "compact "):
			rev, err := strconv.ParseInt(strings.TrimSpace(line[len("compact "):]), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			st.Compact = rev
		case strings.HasPrefix(line, "txn "):
			for _, part := range strings.Split(line[len("txn "):], "|") {
				op, err := parseOp(strings.TrimSpace(part))
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", n, err)
				}
				st.Ops = append(st.Ops, op)
			}
		default:
			op, err := parseOp(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			st.Ops = []Op{op}
		}
		steps = append(steps, st)
	}
	return steps, sc.Err()
}

func parseOp(s string) (Op, error) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return Op{}, fmt.Errorf("bad op %q", s)
	}
	switch f[0] {
	case "put":
		if len(f) < 3 {
			return Op{}, fmt.Errorf("bad put %q", s)
		}
		op := Op{Key: f[1], Value: f[2]}
		for _, a := range f[3:] {
			if v, ok := strings.CutPrefix(a, "lease="); ok {
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return Op{}, err
				}
				op.Lease = id
			}
		}
		return op, nil
	case "del":
		op := Op{Del: true, Key: f[1]}
		if len(f) > 2 {
			op.End = f[2]
		}
		return op, nil
	}
	return Op{}, fmt.Errorf("unknown op %q", s)
}

// KV is a key-value as read back.
type KV struct {
	Key, Value                           string
	CreateRevision, ModRevision, Version int64
	Lease                                int64
}

// RangeAt is the whole keyspace read at one revision.
type RangeAt struct {
	Rev int64
	KVs []KV
}

// Dump is what one implementation reads from a data file.
type Dump struct {
	Rev, CompactRev int64
	Hash            uint32
	Ranges          []RangeAt
	// KeyBucket is every raw pair of the "key" bucket, hex encoded.
	KeyBucket [][2]string
	// Meta holds the raw compaction keys of the "meta" bucket, hex encoded.
	Meta map[string]string
}

// RangeStart and RangeEnd bound the keys of the scripts.
const (
	RangeStart = "\x00"
	RangeEnd   = "\xff"
)
