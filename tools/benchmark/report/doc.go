// Package report collects the latencies of benchmark requests and prints
// the summary that etcd's benchmark tool prints: totals, a response time
// histogram, a latency distribution, an optional per-second sample and the
// error distribution, in the same layout so that results from either tool
// read the same.
//
// The computations are pure functions over a sorted slice of latencies
// (Summarize, Histogram, Percentiles); Report is the thin concurrent shell
// that feeds them from a channel of Results.
package report
