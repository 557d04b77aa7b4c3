package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
)

// row is one line of the comparison table.
type row struct {
	size       int
	workload   workload
	ours, etcd result
}

func numCPU() int { return runtime.NumCPU() }

// writeTable prints the rows aligned in columns.
func writeTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "members\tworkload\tours req/s\tetcd req/s\tratio\tours p99\tetcd p99\tours RSS\tetcd RSS\tours db\tetcd db\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			r.size, r.workload.name,
			rate(r.ours), rate(r.etcd), ratio(r.ours, r.etcd),
			ms(r.ours), ms(r.etcd),
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
