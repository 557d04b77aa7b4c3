package report

// Bucket is one line of the response time histogram: the requests whose
// latency is above the previous bucket's Mark and at most this one's.
type Bucket struct {
	Mark  float64
	Count int
}

// HistogramBuckets is the number of equal-width intervals between the
// fastest and the slowest request (one more line is printed: the fastest).
const HistogramBuckets = 10

// Histogram splits sorted latencies into n equal-width intervals between
// the first and the last. It returns n+1 buckets: the first holds the
// requests as fast as the fastest, the last ends at the slowest.
func Histogram(sorted []float64, n int) []Bucket {
	if len(sorted) == 0 || n <= 0 {
		return nil
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	width := (hi - lo) / float64(n)
	b := make([]Bucket, n+1)
	for i := range n {
		b[i].Mark = lo + width*float64(i)
	}
	b[n].Mark = hi
	i := 0
	for _, v := range sorted {
		for i < n && v > b[i].Mark {
			i++
		}
		b[i].Count++
	}
	return b
}
