package report

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name                     string
		lats                     []float64
		total                    time.Duration
		fast, slow, avg, sd, rps float64
	}{
		{name: "empty", total: time.Second},
		{name: "one", lats: []float64{0.5}, total: time.Second, fast: 0.5, slow: 0.5, avg: 0.5, rps: 1},
		{name: "unsorted", lats: []float64{3, 1, 2}, total: 2 * time.Second, fast: 1, slow: 3, avg: 2, sd: math.Sqrt(2.0 / 3), rps: 1.5},
		{name: "zero total", lats: []float64{1, 1}, fast: 1, slow: 1, avg: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize(slices.Clone(tt.lats), nil, tt.total)
			got := []float64{s.Fastest, s.Slowest, s.Average, s.Stddev, s.RPS}
			want := []float64{tt.fast, tt.slow, tt.avg, tt.sd, tt.rps}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Fatalf("fast,slow,avg,sd,rps = %v, want %v", got, want)
				}
			}
			if !slices.IsSorted(s.Lats) || s.Count() != len(tt.lats) {
				t.Fatalf("Lats = %v", s.Lats)
			}
			if s.ErrorDist == nil {
				t.Fatal("nil ErrorDist")
			}
		})
	}
}

func TestHistogram(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		n      int
		want   []Bucket
	}{
		{name: "empty", n: 10},
		{name: "all equal", sorted: []float64{2, 2, 2}, n: 2, want: []Bucket{{2, 3}, {2, 0}, {2, 0}}},
		{name: "spread", sorted: []float64{0, 1, 2, 3, 4}, n: 4, want: []Bucket{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}}},
		{name: "skewed", sorted: []float64{1, 1, 1.1, 1.2, 5}, n: 2, want: []Bucket{{1, 2}, {3, 2}, {5, 1}}},
		{name: "edge on mark", sorted: []float64{0, 5, 10}, n: 2, want: []Bucket{{0, 1}, {5, 1}, {10, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Histogram(tt.sorted, tt.n)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Histogram = %v, want %v", got, tt.want)
			}
			total := 0
			for _, b := range got {
				total += b.Count
			}
			if total != len(tt.sorted) {
				t.Fatalf("counted %d of %d", total, len(tt.sorted))
			}
		})
	}
}

func seq(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(i + 1)
	}
	return s
}

func TestPercentiles(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		want   []float64
	}{
		{name: "empty", want: make([]float64, 8)},
		// One index can serve one percentile only, so few samples leave
		// the high ones unset (and unprinted), as etcd's tool does.
		{name: "two", sorted: []float64{1, 2}, want: []float64{2, 0, 0, 0, 0, 0, 0, 0}},
		{name: "hundred", sorted: seq(100), want: []float64{11, 26, 51, 76, 91, 96, 100, 0}},
		{name: "thousand", sorted: seq(1000), want: []float64{101, 251, 501, 751, 901, 951, 991, 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentiles(tt.sorted); !slices.Equal(got, tt.want) {
				t.Fatalf("Percentiles = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStatsPercentile(t *testing.T) {
	s := Stats{Lats: seq(1000)}
	tests := []struct{ p, want float64 }{{0, 1}, {50, 501}, {99, 991}, {99.9, 1000}, {100, 1000}}
	for _, tt := range tests {
		if got := s.Percentile(tt.p); got != tt.want {
			t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := (Stats{}).Percentile(99); got != 0 {
		t.Errorf("empty Percentile = %v", got)
	}
}

func TestFormat(t *testing.T) {
	lats := []float64{0.001, 0.002, 0.003, 0.004}
	s := Summarize(lats, map[string]int{"boom": 2}, 2*time.Second)
	tests := []struct {
		name      string
		stats     Stats
		precision string
		want      []string
		absent    []string
	}{
		{
			name: "default", stats: s, precision: DefaultPrecision,
			want: []string{
				"\nSummary:\n  Total:\t2.0000 secs.\n",
				"  Slowest:\t0.0040 secs.\n",
				"  Fastest:\t0.0010 secs.\n",
				"  Average:\t0.0025 secs.\n",
				"  Stddev:\t0.0011 secs.\n",
				"  Requests/sec:\t2.0000\n",
				"\nResponse time histogram:\n  0.0010 [1]\t|" + strings.Repeat(barChar, 40) + "\n",
				"  0.0040 [1]\t|",
				"\nLatency distribution:\n  10% in 0.0020 secs.\n  25% in 0.0030 secs.\n  50% in 0.0040 secs.\n\n",
				"\nError distribution:\n  [2]\tboom\n",
			},
			absent: []string{"75% in", "Sample in one second"},
		},
		{
			name: "precise", stats: s, precision: PrecisePrecision,
			want: []string{"  Total:\t2 secs.\n", "  Requests/sec:\t2\n", "  50% in 0.004 secs.\n"},
		},
		{
			name: "errors only", stats: Summarize(nil, map[string]int{"x": 1}, time.Second), precision: DefaultPrecision,
			want:   []string{"\nError distribution:\n  [1]\tx\n"},
			absent: []string{"Summary"},
		},
		{
			name: "sampled", precision: DefaultPrecision,
			stats: Stats{Lats: []float64{1}, TimeSeries: TimeSeries{{Timestamp: 7, MinLatency: time.Millisecond, AvgLatency: time.Millisecond, MaxLatency: time.Millisecond, ThroughPut: 3}}},
			want:  []string{"\nSample in one second (unix latency throughput):\nUNIX-SECOND,MIN-LATENCY-MS,AVG-LATENCY-MS,MAX-LATENCY-MS,AVG-THROUGHPUT\n7,1ms,1ms,1ms,3\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Format(tt.stats, tt.precision)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in:\n%s", w, out)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("unexpected %q in:\n%s", a, out)
				}
			}
		})
	}
}

func TestReport(t *testing.T) {
	base := time.Unix(1000, 0)
	tests := []struct {
		name    string
		sample  bool
		results []Result
		count   int
		errs    int
		points  int
	}{
		{name: "none"},
		{name: "mixed", results: []Result{
			{Start: base, End: base.Add(time.Millisecond)},
			{Start: base, End: base.Add(2 * time.Millisecond), Err: errors.New("e")},
			{Start: base, End: base.Add(3 * time.Millisecond)},
		}, count: 2, errs: 1},
		{name: "sampled with gap", sample: true, results: []Result{
			{Start: base, End: base.Add(time.Millisecond)},
			{Start: base.Add(2 * time.Second), End: base.Add(2*time.Second + time.Millisecond)},
		}, count: 2, points: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(Options{Sample: tt.sample})
			done := r.Run()
			for _, res := range tt.results {
				r.Results() <- res
			}
			close(r.Results())
			s := <-done
			if s.Count() != tt.count || s.Errors() != tt.errs || len(s.TimeSeries) != tt.points {
				t.Fatalf("count=%d errs=%d points=%d, want %d %d %d", s.Count(), s.Errors(), len(s.TimeSeries), tt.count, tt.errs, tt.points)
			}
			if tt.points > 0 && s.TimeSeries[1].ThroughPut != 0 {
				t.Fatalf("gap second not empty: %+v", s.TimeSeries)
			}
		})
	}
}

func BenchmarkReport(b *testing.B) {
	b.ReportAllocs()
	now := time.Now()
	for b.Loop() {
		r := New(Options{})
		done := r.Run()
		for i := range 1000 {
			r.Results() <- Result{Start: now, End: now.Add(time.Duration(i) * time.Microsecond)}
		}
		close(r.Results())
		_ = Format(<-done, DefaultPrecision)
	}
}
