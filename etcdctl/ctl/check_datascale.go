package ctl

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// datascaleModel is one --load of check datascale.
type datascaleModel struct {
	limit, kvSize, clients int
}

var datascaleModels = map[string]datascaleModel{
	"s":  {limit: 10000, kvSize: 1024, clients: 50},
	"m":  {limit: 100000, kvSize: 1024, clients: 200},
	"l":  {limit: 1000000, kvSize: 1024, clients: 500},
	"xl": {limit: 3000000, kvSize: 1024, clients: 1000},
}

func (a *app) newCheckDatascaleCommand() *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "datascale [options]",
		Short: "Check the memory usage of holding data for different workloads on a given server endpoint.",
		Long:  "If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.",
	}
	f.bind(cmd.Flags(), "The datascale check's workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)",
		"/etcdctl-check-datascale/", "The prefix for writing the datascale check's keys.")
	cmd.RunE = run(func(cmd *cobra.Command, _ []string) error { return a.checkDatascale(cmd, f) })
	return cmd
}

func (a *app) checkDatascale(cmd *cobra.Command, f *checkFlags) error {
	name, ok := checkLoads[f.load]
	if !ok {
		return exitf(ExitBadFeature, "unknown load option %v", f.load)
	}
	m := datascaleModels[name]

	spec, err := a.clientSpecFromCmd(cmd)
	if err != nil {
		return err
	}
	clients, err := dialMany(spec, m.clients)
	if err != nil {
		return err
	}
	defer closeAll(clients)

	resp, err := clients[0].Get(context.Background(), f.prefix, clientv3.WithPrefix(), clientv3.WithLimit(1))
	if err != nil {
		return exitErr(ExitError, err)
	}
	if len(resp.Kvs) > 0 {
		return exitf(ExitInvalidInput, "prefix %q has keys. Delete with etcdctl del --prefix %s first", f.prefix, f.prefix)
	}

	before := a.residentMemory(spec.endpoints[0], spec.secure)
	if before == 0 {
		fmt.Fprintln(a.Out, "FAIL: Could not read process_resident_memory_bytes before the put operations.")
		return errSilentExit(ExitError)
	}

	fmt.Fprintf(a.Out, "Start data scale check for work load [%v key-value pairs, %v bytes per key-value, %v concurrent clients].\n", m.limit, m.kvSize, m.clients)
	bar := a.newProgressBar(m.limit)
	k, v := make([]byte, 512), string(make([]byte, 512))
	requests := make(chan clientv3.Op, m.clients)
	go func() {
		defer close(requests)
		for range m.limit {
			requests <- clientv3.OpPut(f.prefix+randomKey(k), v)
		}
	}()
	s := runPuts(clients, requests, func() { bar.Add(1) })
	bar.Finish()

	after := a.residentMemory(spec.endpoints[0], spec.secure)
	if after == 0 {
		fmt.Fprintln(a.Out, "FAIL: Could not read process_resident_memory_bytes after the put operations.")
		return errSilentExit(ExitError)
	}

	dresp, err := clients[0].Delete(context.Background(), f.prefix, clientv3.WithPrefix())
	if err != nil {
		return exitErr(ExitError, err)
	}
	if f.autoCompact {
		if err := a.compactAt(clients[0], dresp.Header.Revision); err != nil {
			return err
		}
	}
	if f.autoDefrag {
		if err := a.defragAll(clients[0]); err != nil {
			return err
		}
	}

	if len(s.errorDist) != 0 {
		fmt.Fprintln(a.Out, "FAIL: too many errors")
		for e, n := range s.errorDist {
			fmt.Fprintf(a.Out, "FAIL: ERROR(%v) -> %d\n", e, n)
		}
		return errSilentExit(ExitError)
	}
	mb := (after - before) / (1024 * 1024)
	fmt.Fprintf(a.Out, "PASS: Approximate system memory used : %v MB.\n", strconv.FormatFloat(mb, 'f', 2, 64))
	return nil
}
