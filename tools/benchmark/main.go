// Command benchmark is a load generator for etcd v3 clusters with the
// subcommands, flags and summaries of etcd's tools/benchmark.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/etcdgo/etcd/tools/v3/benchmark/cmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if path := os.Getenv("BENCHMARK_CPUPROFILE"); path != "" {
		// A CPU profile of the load generator itself, to see what the
		// client side of a workload costs.
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	root := cmd.NewRootCommand(&cmd.Env{Progress: isTerminal(os.Stdout) && isTerminal(os.Stderr)})
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		stop()
		os.Exit(1)
	}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
