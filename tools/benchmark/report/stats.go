package report

import (
	"math"
	"slices"
	"time"
)

// Stats is the summary of a finished run. Latencies are in seconds.
type Stats struct {
	// Total is the wall time of the run.
	Total time.Duration
	// Fastest, Slowest, Average and Stddev summarize Lats.
	Fastest, Slowest, Average, Stddev float64
	// RPS is the number of successful requests per second of Total.
	RPS float64
	// Lats holds every successful request's latency, sorted ascending.
	Lats []float64
	// ErrorDist counts failed requests by error text.
	ErrorDist map[string]int
	// TimeSeries is the per-second sample, when sampling was on.
	TimeSeries TimeSeries
}

// Count is the number of successful requests.
func (s Stats) Count() int { return len(s.Lats) }

// Errors is the number of failed requests.
func (s Stats) Errors() int {
	n := 0
	for _, c := range s.ErrorDist {
		n += c
	}
	return n
}

// Percentile returns the latency at percentile p (0..100) of the sorted
// latencies, using the same index rule as the printed distribution; 0 when
// there are none.
func (s Stats) Percentile(p float64) float64 {
	n := len(s.Lats)
	if n == 0 {
		return 0
	}
	for i, v := range s.Lats {
		if float64(i)*100/float64(n) >= p {
			return v
		}
	}
	return s.Lats[n-1]
}

// Summarize computes Stats from unsorted latencies (seconds) measured over
// total. It sorts lats in place and keeps it.
func Summarize(lats []float64, errs map[string]int, total time.Duration) Stats {
	s := Stats{Total: total, Lats: lats, ErrorDist: errs}
	if s.ErrorDist == nil {
		s.ErrorDist = map[string]int{}
	}
	n := len(lats)
	if n == 0 {
		return s
	}
	slices.Sort(lats)
	var sum float64
	for _, v := range lats {
		sum += v
	}
	s.Average = sum / float64(n)
	var sq float64
	for _, v := range lats {
		d := v - s.Average
		sq += d * d
	}
	s.Stddev = math.Sqrt(sq / float64(n))
	s.Fastest, s.Slowest = lats[0], lats[n-1]
	if total > 0 {
		s.RPS = float64(n) / total.Seconds()
	}
	return s
}
