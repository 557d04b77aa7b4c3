package report

import (
	"time"
)

// Options configures a Report.
type Options struct {
	// Sample keeps a per-second time series (etcd's --sample).
	Sample bool
	// Buffer is the capacity of the results channel (default 16).
	Buffer int
}

// Report collects Results sent on its channel until the channel is closed.
type Report struct {
	results chan Result
	sample  bool
}

// New returns a Report; call Run, send Results, then close Results().
func New(opts Options) *Report {
	if opts.Buffer <= 0 {
		opts.Buffer = 16
	}
	return &Report{results: make(chan Result, opts.Buffer), sample: opts.Sample}
}

// Results is where requests report their outcome. The producer closes it
// when the run is over.
func (r *Report) Results() chan<- Result { return r.results }

// Run starts collecting; the returned channel yields the Stats once
// Results is closed. The run's Total is measured from the call to Run.
func (r *Report) Run() <-chan Stats {
	out := make(chan Stats, 1)
	go func() {
		out <- r.collect(time.Now())
		close(out)
	}()
	return out
}

func (r *Report) collect(start time.Time) Stats {
	var (
		lats []float64
		errs = map[string]int{}
		sp   *sampler
	)
	if r.sample {
		sp = newSampler()
	}
	for res := range r.results {
		if res.Err != nil {
			errs[res.Err.Error()]++
			continue
		}
		d := res.Duration()
		lats = append(lats, d.Seconds())
		if sp != nil {
			sp.add(res.Start, d)
		}
	}
	s := Summarize(lats, errs, time.Since(start))
	if sp != nil {
		s.TimeSeries = sp.series()
	}
	return s
}
