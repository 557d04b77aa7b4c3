package ctl

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// perfModel is one --load of check perf: a write rate held for a duration.
type perfModel struct {
	limit, clients, duration int
}

var perfModels = map[string]perfModel{
	"s":  {limit: 150, clients: 50, duration: 60},
	"m":  {limit: 1000, clients: 200, duration: 60},
	"l":  {limit: 8000, clients: 500, duration: 60},
	"xl": {limit: 15000, clients: 1000, duration: 60},
}

func (a *app) newCheckPerfCommand() *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "perf [options]",
		Short: "Check the performance of the etcd cluster",
	}
	f.bind(cmd.Flags(), "The performance check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge). Different workload models use different configurations in terms of number of clients and expected throughput.",
		"/etcdctl-check-perf/", "The prefix for writing the performance check's keys.")
	_ = cmd.RegisterFlagCompletionFunc("load", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"small", "medium", "large", "xLarge"}, cobra.ShellCompDirectiveDefault
	})
	cmd.RunE = run(func(cmd *cobra.Command, _ []string) error { return a.checkPerf(cmd, f) })
	return cmd
}

func (a *app) checkPerf(cmd *cobra.Command, f *checkFlags) error {
	name, ok := checkLoads[f.load]
	if !ok {
		return exitf(ExitBadFeature, "unknown load option %v", f.load)
	}
	m := perfModels[name]

	spec, err := a.clientSpecFromCmd(cmd)
	if err != nil {
		return err
	}
	clients, err := dialMany(spec, m.clients)
	if err != nil {
		return err
	}
	defer closeAll(clients)

	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(m.duration)*time.Second)
	defer cancel()
	ctx, icancel := notifyInterrupt(ctx, func() { a.cleanupPrefix(clients[0], f.prefix, false) })
	defer icancel()

	resp, err := clients[0].Get(ctx, f.prefix, clientv3.WithPrefix(), clientv3.WithLimit(1))
	if err != nil {
		return exitErr(ExitError, err)
	}
	if len(resp.Kvs) > 0 {
		return exitf(ExitInvalidInput, "prefix %q has keys. Delete with 'etcdctl del --prefix %s' first", f.prefix, f.prefix)
	}

	k, v := make([]byte, 256), string(make([]byte, 1024))
	bar := a.newProgressBar(m.duration)
	requests := make(chan clientv3.Op, m.clients)
	go func() {
		defer close(requests)
		tick := time.NewTicker(time.Second / time.Duration(m.limit))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				requests <- clientv3.OpPut(f.prefix+randomKey(k), v)
			}
		}
	}()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for range m.duration {
			<-t.C
			bar.Add(1)
		}
		bar.Finish()
	}()
	s := runPuts(clients, requests, nil)

	a.cleanupPrefix(clients[0], f.prefix, f.autoCompact)
	if f.autoDefrag {
		if err := a.defragAll(clients[0]); err != nil {
			return err
		}
	}

	pass := true
	if len(s.errorDist) != 0 {
		fmt.Fprintln(a.Out, "FAIL: too many errors")
		for e, n := range s.errorDist {
			fmt.Fprintf(a.Out, "FAIL: ERROR(%v) -> %d\n", e, n)
		}
		pass = false
	}
	if s.rps/float64(m.limit) <= 0.9 {
		fmt.Fprintf(a.Out, "FAIL: Throughput too low: %d writes/s\n", int(s.rps)+1)
		pass = false
	} else {
		fmt.Fprintf(a.Out, "PASS: Throughput is %d writes/s\n", int(s.rps)+1)
	}
	if s.slowest > 0.5 {
		fmt.Fprintf(a.Out, "Slowest request took too long: %fs\n", s.slowest)
		pass = false
	} else {
		fmt.Fprintf(a.Out, "PASS: Slowest request took %fs\n", s.slowest)
	}
	if s.stddev > 0.1 {
		fmt.Fprintf(a.Out, "Stddev too high: %fs\n", s.stddev)
		pass = false
	} else {
		fmt.Fprintf(a.Out, "PASS: Stddev is %fs\n", s.stddev)
	}
	if !pass {
		fmt.Fprintln(a.Out, "FAIL")
		return errSilentExit(ExitError)
	}
	fmt.Fprintln(a.Out, "PASS")
	return nil
}
