package report

import (
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// DataPoint summarizes the requests that started in one second.
type DataPoint struct {
	Timestamp  int64
	MinLatency time.Duration
	AvgLatency time.Duration
	MaxLatency time.Duration
	ThroughPut int64
}

// TimeSeries is a run's per-second sample, in time order.
type TimeSeries []DataPoint

// sampler accumulates per-second points; it is used by one goroutine.
type sampler struct {
	points map[int64]*second
}

type second struct {
	min, max, sum time.Duration
	n             int64
}

func newSampler() *sampler { return &sampler{points: map[int64]*second{}} }

func (s *sampler) add(start time.Time, lat time.Duration) {
	ts := start.Unix()
	p, ok := s.points[ts]
	if !ok {
		s.points[ts] = &second{min: lat, max: lat, sum: lat, n: 1}
		return
	}
	if lat != 0 {
		p.min = min(p.min, lat)
	}
	p.max = max(p.max, lat)
	p.sum += lat
	p.n++
}

// series returns the points in time order, with empty seconds filled in.
func (s *sampler) series() TimeSeries {
	if len(s.points) == 0 {
		return nil
	}
	keys := slices.Sorted(maps.Keys(s.points))
	first, last := keys[0], keys[len(keys)-1]
	ts := make(TimeSeries, 0, last-first+1)
	for t := first; t <= last; t++ {
		dp := DataPoint{Timestamp: t}
		if p, ok := s.points[t]; ok {
			dp.MinLatency, dp.MaxLatency, dp.ThroughPut = p.min, p.max, p.n
			dp.AvgLatency = p.sum / time.Duration(p.n)
		}
		ts = append(ts, dp)
	}
	return ts
}

// String renders the sample as etcd's benchmark does: a heading and CSV.
func (t TimeSeries) String() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"UNIX-SECOND", "MIN-LATENCY-MS", "AVG-LATENCY-MS", "MAX-LATENCY-MS", "AVG-THROUGHPUT"})
	for _, p := range t {
		_ = w.Write([]string{
			fmt.Sprintf("%d", p.Timestamp),
			p.MinLatency.String(),
			p.AvgLatency.String(),
			p.MaxLatency.String(),
			fmt.Sprintf("%d", p.ThroughPut),
		})
	}
	w.Flush()
	return "\nSample in one second (unix latency throughput):\n" + b.String()
}
