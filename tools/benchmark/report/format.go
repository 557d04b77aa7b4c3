package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Precision formats: DefaultPrecision is etcd's default, PrecisePrecision
// its --precise.
const (
	DefaultPrecision = "%4.4f"
	PrecisePrecision = "%g"
)

const barChar = "∎"

// barWidth is the length of the longest histogram bar.
const barWidth = 40

// Format renders s the way etcd's benchmark prints a report: the summary,
// the response time histogram, the latency distribution, the per-second
// sample (when taken) and the error distribution. precision is a fmt verb
// for float seconds (DefaultPrecision or PrecisePrecision).
func Format(s Stats, precision string) string {
	var b strings.Builder
	secs := func(v float64) string { return fmt.Sprintf(precision+" secs", v) }
	if len(s.Lats) > 0 {
		b.WriteString("\nSummary:\n")
		fmt.Fprintf(&b, "  Total:\t%s.\n", secs(s.Total.Seconds()))
		fmt.Fprintf(&b, "  Slowest:\t%s.\n", secs(s.Slowest))
		fmt.Fprintf(&b, "  Fastest:\t%s.\n", secs(s.Fastest))
		fmt.Fprintf(&b, "  Average:\t%s.\n", secs(s.Average))
		fmt.Fprintf(&b, "  Stddev:\t%s.\n", secs(s.Stddev))
		fmt.Fprintf(&b, "  Requests/sec:\t"+precision+"\n", s.RPS)
		writeHistogram(&b, s.Lats, precision)
		writeLatencies(&b, s.Lats, precision)
		if s.TimeSeries != nil {
			fmt.Fprintf(&b, "%v\n", s.TimeSeries)
		}
	}
	if len(s.ErrorDist) > 0 {
		b.WriteString("\nError distribution:\n")
		for _, msg := range slices.Sorted(maps.Keys(s.ErrorDist)) {
			fmt.Fprintf(&b, "  [%d]\t%s\n", s.ErrorDist[msg], msg)
		}
	}
	return b.String()
}

func writeHistogram(b *strings.Builder, sorted []float64, precision string) {
	buckets := Histogram(sorted, HistogramBuckets)
	most := 0
	for _, bk := range buckets {
		most = max(most, bk.Count)
	}
	b.WriteString("\nResponse time histogram:\n")
	for _, bk := range buckets {
		n := 0
		if most > 0 {
			n = bk.Count * barWidth / most
		}
		fmt.Fprintf(b, "  "+precision+" [%v]\t|%v\n", bk.Mark, bk.Count, strings.Repeat(barChar, n))
	}
}

func writeLatencies(b *strings.Builder, sorted []float64, precision string) {
	b.WriteString("\nLatency distribution:\n")
	for i, v := range Percentiles(sorted) {
		if v > 0 {
			fmt.Fprintf(b, "  %v%% in "+precision+" secs.\n", Pctls[i], v)
		}
	}
}
