package ctl

import (
	"math"
	"os"
	"time"

	"golang.org/x/term"
)

// result is one request of a check run.
type result struct {
	err        error
	start, end time.Time
}

// stats summarizes a check run: requests per second over the run's span,
// and the slowest latency and latency standard deviation in seconds.
type stats struct {
	rps, slowest, stddev float64
	errorDist            map[string]int
}

func collect(results <-chan result) *stats {
	s := &stats{errorDist: map[string]int{}}
	var lats []float64
	var first, last time.Time
	for r := range results {
		if r.err != nil {
			s.errorDist[r.err.Error()]++
			continue
		}
		if first.IsZero() || r.start.Before(first) {
			first = r.start
		}
		if r.end.After(last) {
			last = r.end
		}
		lats = append(lats, r.end.Sub(r.start).Seconds())
	}
	if len(lats) == 0 {
		return s
	}
	var sum float64
	for _, l := range lats {
		sum += l
		s.slowest = math.Max(s.slowest, l)
	}
	mean := sum / float64(len(lats))
	var variance float64
	for _, l := range lats {
		variance += (l - mean) * (l - mean)
	}
	s.stddev = math.Sqrt(variance / float64(len(lats)))
	if span := last.Sub(first).Seconds(); span > 0 {
		s.rps = float64(len(lats)) / span
	}
	return s
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
