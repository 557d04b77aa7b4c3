package etcdctl

import "testing"

// TestNormalizeCheck: a passing and a failing check perf normalize alike,
// and verdicts that disagree with their numbers, the closing line or the
// exit code are refused.
func TestNormalizeCheck(t *testing.T) {
	const normal = "--- stdout\n" +
		"{PASS: Throughput is|FAIL: Throughput too low:} <N> writes/s\n" +
		"{PASS: Slowest request took|Slowest request took too long:} <SECONDS>s\n" +
		"{PASS: Stddev is|Stddev too high:} <SECONDS>s\n" +
		"{PASS|FAIL}\n" +
		"--- exit {0|1}\n"
	tests := []struct {
		name, stdout string
		code         int
		want         string // empty: refused
	}{
		{"pass", "PASS: Throughput is 150 writes/s\nPASS: Slowest request took 0.024976s\nPASS: Stddev is 0.000675s\nPASS\n", 0, normal},
		{"slow", "PASS: Throughput is 150 writes/s\nSlowest request took too long: 0.731000s\nPASS: Stddev is 0.020000s\nFAIL\n", 1, normal},
		{"all fail", "FAIL: Throughput too low: 80 writes/s\nSlowest request took too long: 1.500000s\nStddev too high: 0.200000s\nFAIL\n", 1, normal},
		{"threshold", "PASS: Throughput is 136 writes/s\nPASS: Slowest request took 0.500000s\nPASS: Stddev is 0.100000s\nPASS\n", 0, normal},
		{"pass over threshold", "PASS: Throughput is 150 writes/s\nPASS: Slowest request took 0.700000s\nPASS: Stddev is 0.000675s\nPASS\n", 0, ""},
		{"fail under threshold", "FAIL: Throughput too low: 150 writes/s\nPASS: Slowest request took 0.100000s\nPASS: Stddev is 0.000675s\nFAIL\n", 1, ""},
		{"closing pass after a fail", "PASS: Throughput is 150 writes/s\nSlowest request took too long: 0.731000s\nPASS: Stddev is 0.020000s\nPASS\n", 0, ""},
		{"closing fail after passes", "PASS: Throughput is 150 writes/s\nPASS: Slowest request took 0.1s\nPASS: Stddev is 0.020000s\nFAIL\n", 1, ""},
		{"exit 0 after fail", "PASS: Throughput is 150 writes/s\nSlowest request took too long: 0.731000s\nPASS: Stddev is 0.020000s\nFAIL\n", 0, ""},
		{"exit 1 after pass", "PASS: Throughput is 150 writes/s\nPASS: Slowest request took 0.024976s\nPASS: Stddev is 0.000675s\nPASS\n", 1, ""},
		{"errors stay", "FAIL: too many errors\nFAIL: ERROR(boom) -> 3\nPASS: Throughput is 150 writes/s\nPASS: Slowest request took 0.024976s\nPASS: Stddev is 0.000675s\nFAIL\n", 1,
			"--- stdout\nFAIL: too many errors\nFAIL: ERROR(boom) -> 3\n" + normal[len("--- stdout\n"):]},
		{"datascale", "Start data scale check for work load [10000 key-value pairs, 1024 bytes per key-value, 50 concurrent clients].\nPASS: Approximate system memory used : -3.25 MB.\n", 0,
			"--- stdout\nStart data scale check for work load [10000 key-value pairs, 1024 bytes per key-value, 50 concurrent clients].\nPASS: Approximate system memory used : <MB> MB.\n--- exit 0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeCheck(tt.stdout, tt.code)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("accepted:\n%s", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
