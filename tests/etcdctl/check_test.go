package etcdctl

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkPhases are the workloads of check datascale and check perf, run for
// real: datascale first (a few seconds), then perf (60s). Each phase runs
// both etcdctls at once, each against its own server, so that a perf run
// does not overlap the other etcdctl's datascale burst.
func checkPhases() [][]step {
	return [][]step{
		{
			{name: "check_datascale_s", args: []string{"check", "datascale", "--load=s", "--auto-compact"}, timeout: 3 * time.Minute},
			// -w json changes nothing here: check prints text only.
			{name: "check_datascale_small_json", args: []string{"-w", "json", "check", "datascale", "--load=small", "--auto-compact", "--auto-defrag"}, timeout: 3 * time.Minute},
		},
		{
			// The revision compacted at depends on how many writes the
			// minute held.
			{name: "check_perf_s", args: []string{"check", "perf", "--load=s", "--auto-compact"}, timeout: 3 * time.Minute,
				rules: []rule{r(`(Compacting|Compacted) with revision \d+`, "$1 with revision <REV>")}},
		},
	}
}

// TestCheck runs check datascale and check perf with both etcdctls against
// our server (ETCDGO_TEST_SERVER=etcd: against real etcd) and compares
// their normalized stdout and exit code with testdata/golden/check_*.golden,
// recorded with -update from etcd's etcdctl against our server.
//
// Stderr is not compared: etcd's etcdctl draws its progress bar there even
// when it is no terminal (cheggaaa/pb writes one frame per tick without a
// carriage return); ours draws only on a terminal, and must print nothing.
//
// What a minute of writes on a shared machine measures varies by nature:
// the throughput, latencies and memory figures are normalized, and so are
// the PASS/FAIL verdicts of check perf, which follow from those figures
// and flip when the machine is loaded (the slowest request goes over
// 500ms). A verdict is normalized only after checking that it is one of the
// two forms etcd prints for that line and that it agrees with the number
// printed on it, that the closing PASS/FAIL agrees with the lines above,
// and that the exit code agrees with the closing line: the logic is tested
// exactly, only the machine's speed is not.
func TestCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers, builds binaries and runs a minute of writes")
	}
	bins := t.TempDir()
	type ctl struct{ name, bin string }
	var ctls []ctl
	if !*update {
		ctls = append(ctls, ctl{"ours", buildBinary(t, bins, "etcdctl", "etcdctl")})
	}
	ctls = append(ctls, ctl{"etcd", buildBinary(t, bins, "tests/cmd/etcdctl-ref", "etcdctl-ref")})

	srvName := "ours"
	switch env := os.Getenv("ETCDGO_TEST_SERVER"); env {
	case "", "ours":
	case "etcd":
		srvName = env
	default:
		t.Fatalf("ETCDGO_TEST_SERVER=%q: want etcd or ours", env)
	}
	srvBin := serverBinary(t, bins, srvName)
	eps := make([]string, len(ctls))
	for i, c := range ctls {
		eps[i] = strings.TrimPrefix(startServer(t, srvBin, "check-"+c.name).clientURL, "http://")
	}

	for i, phase := range checkPhases() {
		t.Run(fmt.Sprintf("phase%d", i+1), func(t *testing.T) {
			for j, c := range ctls {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					for _, st := range phase {
						runCheckStep(t, c.bin, c.name == "ours", eps[j], st, *update)
					}
				})
			}
		})
	}
}

// runCheckStep runs one check step with bin against ep and records or
// compares its golden.
func runCheckStep(t *testing.T, bin string, ours bool, ep string, st step, record bool) {
	d := newIDs()
	d.addString(ep, "<ep>")
	res := runStep(t, bin, st, &vars{ep: ep}, d)
	if ours && res.stderr != "" {
		t.Errorf("%s: our etcdctl wrote on stderr, which is no terminal:\n%q", st.name, res.stderr)
	}
	out, err := normalizeCheck(res.stdout, res.code)
	if err != nil {
		t.Errorf("%s: %v\n%s", st.name, err, res)
		return
	}
	got := goldenText(st, normalizeText(out, d, st.rules))
	if record {
		writeGolden(t, st.name, got)
		return
	}
	if want, ok := readGolden(t, st.name); ok && got != want {
		reportDiff(t, st.name, want, got)
	}
}

// verdict is a line check perf prints in one of two forms, by comparing
// the number on it with a threshold.
type verdict struct {
	pass, fail *regexp.Regexp // group 1 is the number
	// agrees reports whether the number printed fits the verdict printed.
	agrees func(pass bool, n float64) bool
	// normal stands for either form, the number left out.
	normal string
}

// checkVerdicts are check perf's verdict lines, as etcd's etcdctl v3.7
// prints them. Throughput passes over 90% of the model's 150 writes/s and
// prints int(rps)+1; latencies print with %f and pass at up to 500ms
// (slowest) and 100ms (standard deviation).
var checkVerdicts = []verdict{
	{
		pass:   regexp.MustCompile(`^PASS: Throughput is (\d+) writes/s$`),
		fail:   regexp.MustCompile(`^FAIL: Throughput too low: (\d+) writes/s$`),
		agrees: func(pass bool, n float64) bool { return pass == (n > 136) || n == 136 },
		normal: "{PASS: Throughput is|FAIL: Throughput too low:} <N> writes/s",
	},
	{
		pass:   regexp.MustCompile(`^PASS: Slowest request took (\d+\.\d{6})s$`),
		fail:   regexp.MustCompile(`^Slowest request took too long: (\d+\.\d{6})s$`),
		agrees: func(pass bool, n float64) bool { return pass == (n < 0.5) || n == 0.5 },
		normal: "{PASS: Slowest request took|Slowest request took too long:} <SECONDS>s",
	},
	{
		pass:   regexp.MustCompile(`^PASS: Stddev is (\d+\.\d{6})s$`),
		fail:   regexp.MustCompile(`^Stddev too high: (\d+\.\d{6})s$`),
		agrees: func(pass bool, n float64) bool { return pass == (n < 0.1) || n == 0.1 },
		normal: "{PASS: Stddev is|Stddev too high:} <SECONDS>s",
	},
}

var memoryUsed = regexp.MustCompile(`^PASS: Approximate system memory used : -?\d+\.\d\d MB\.$`)

// normalizeCheck checks the verdicts of a check's stdout against its
// numbers and exit code, and returns the stdout with figures and verdicts
// normalized and the exit code appended.
func normalizeCheck(stdout string, code int) (string, error) {
	var out strings.Builder
	out.WriteString("--- stdout\n")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	allPass, verdicts, closing := true, 0, ""
	for _, line := range lines {
		if memoryUsed.MatchString(line) {
			line = "PASS: Approximate system memory used : <MB> MB."
		}
		if strings.HasPrefix(line, "FAIL: ERROR(") || line == "FAIL: too many errors" {
			allPass = false
		}
		for _, v := range checkVerdicts {
			m, pass := v.pass.FindStringSubmatch(line), true
			if m == nil {
				m, pass = v.fail.FindStringSubmatch(line), false
			}
			if m == nil {
				continue
			}
			n, err := strconv.ParseFloat(m[1], 64)
			if err != nil || !v.agrees(pass, n) {
				return "", fmt.Errorf("verdict %q disagrees with its number", line)
			}
			allPass = allPass && pass
			verdicts++
			line = v.normal
		}
		if verdicts > 0 && (line == "PASS" || line == "FAIL") {
			if (line == "PASS") != allPass {
				return "", fmt.Errorf("closing %s disagrees with the verdicts above it", line)
			}
			closing, line = line, "{PASS|FAIL}"
		}
		out.WriteString(line + "\n")
	}
	if closing == "" {
		fmt.Fprintf(&out, "--- exit %d\n", code)
		return out.String(), nil
	}
	if (closing == "PASS") != (code == 0) || (closing == "FAIL" && code != 1) {
		return "", fmt.Errorf("exit code %d after %s", code, closing)
	}
	out.WriteString("--- exit {0|1}\n")
	return out.String(), nil
}
