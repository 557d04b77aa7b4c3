package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
)

// row is one line of the comparison table.
type row struct {
	size       int
	workload   workload
	ours, etcd result
	// wins is how many round pairs our p99 won.
	wins pairs
}

func numCPU() int { return runtime.NumCPU() }

// writeTable prints the rows aligned in columns.
func writeTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "members\tworkload\tours req/s\tetcd req/s\tratio\tours p99\tetcd p99\tp99 wins\tours RSS\tetcd RSS\tours db\tetcd db\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\t%s\t\n",
			r.size, r.workload.name,
			rate(r.ours), rate(r.etcd), ratio(r.ours, r.etcd),
			ms(r.ours), ms(r.etcd), r.wins.won, r.wins.of,
			mib(r.ours.ok, r.ours.rss), mib(r.etcd.ok, r.etcd.rss),
			mib(r.ours.ok, r.ours.db), mib(r.etcd.ok, r.etcd.db))
	}
	_ = tw.Flush()
	for _, r := range rows {
		for _, x := range []struct {
			name string
			res  result
		}{{"ours", r.ours}, {"etcd", r.etcd}} {
			if x.res.failed > 0 {
				fmt.Fprintf(w, "note: %d-member %s, %s (*): %d requests failed: %v\n",
					r.size, r.workload.name, x.name, x.res.failed, x.res.errs)
			}
			if x.res.err != nil {
				fmt.Fprintf(w, "note: %d-member %s, %s: %d of %d runs failed, last: %v\n",
					r.size, r.workload.name, x.name, x.res.runs-x.res.ok, x.res.runs, x.res.err)
			}
		}
	}
}

// misses lists the targets the rows miss: a throughput ratio below the
// workload's target, a p99 or a peak RSS above etcd's, or no result.
func misses(rows []row) []string {
	var out []string
	for _, r := range rows {
		name := fmt.Sprintf("%d-member %s", r.size, r.workload.name)
		if r.ours.ok == 0 || r.etcd.ok == 0 {
			out = append(out, name+": no result")
			continue
		}
		if x := r.ours.rps / r.etcd.rps; x < r.workload.target() {
			out = append(out, fmt.Sprintf("%s: ratio %.2f < %.2f", name, x, r.workload.target()))
		}
		if r.ours.p99 > r.etcd.p99 {
			out = append(out, fmt.Sprintf("%s: p99 %s > %s", name, ms(r.ours), ms(r.etcd)))
		}
		if r.ours.rss > r.etcd.rss {
			out = append(out, fmt.Sprintf("%s: peak RSS %s > %s", name, mib(r.ours.ok, r.ours.rss), mib(r.etcd.ok, r.etcd.rss)))
		}
	}
	return out
}

// targetsHeading names the targets misses checks, the ratios from the
// workloads' own.
func targetsHeading(ws []workload) string {
	var b strings.Builder
	b.WriteString("Targets (ratio >= 1.0")
	for _, w := range ws {
		if w.target() != 1 {
			fmt.Fprintf(&b, ", >= %.1f for %s", w.target(), w.name)
		}
	}
	b.WriteString("; p99 and peak RSS <= etcd's)")
	return b.String()
}

// writeTargets prints whether every row meets its targets.
func writeTargets(w io.Writer, rows []row) {
	m := misses(rows)
	h := targetsHeading(workloads)
	if len(m) == 0 {
		fmt.Fprintf(w, "\n%s: all met\n", h)
		return
	}
	fmt.Fprintf(w, "\n%s: %d missed\n", h, len(m))
	for _, s := range m {
		fmt.Fprintln(w, "  "+s)
	}
}

func rate(r result) string {
	if r.ok == 0 {
		return "err"
	}
	if r.failed > 0 {
		return fmt.Sprintf("%.0f*", r.rps)
	}
	return fmt.Sprintf("%.0f", r.rps)
}

func ratio(a, b result) string {
	if a.ok == 0 || b.ok == 0 || b.rps == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a.rps/b.rps)
}

func ms(r result) string {
	if r.ok == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fms", r.p99*1000)
}

func mib(ok int, n int64) string {
	if ok == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
}
