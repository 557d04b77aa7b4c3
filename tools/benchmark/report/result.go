package report

import "time"

// Result is the outcome of one benchmark request.
type Result struct {
	Start time.Time
	End   time.Time
	// Err, when set, counts the request in the error distribution instead
	// of the latencies.
	Err error
}

// Duration is the request's latency.
func (r Result) Duration() time.Duration { return r.End.Sub(r.Start) }
