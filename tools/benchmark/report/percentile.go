package report

// Pctls are the percentiles of the printed latency distribution.
var Pctls = []float64{10, 25, 50, 75, 90, 95, 99, 99.9}

// Percentiles returns the latency at each of Pctls in sorted latencies.
// Each percentile takes the first latency at or past it that an earlier
// percentile has not taken; one that finds none is 0 (and not printed).
func Percentiles(sorted []float64) []float64 {
	out := make([]float64, len(Pctls))
	n := len(sorted)
	j := 0
	for i := 0; i < n && j < len(Pctls); i++ {
		if float64(i)*100/float64(n) >= Pctls[j] {
			out[j] = sorted[i]
			j++
		}
	}
	return out
}
