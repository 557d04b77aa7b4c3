package ctl

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cheggaaa/pb/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// checkLoads maps the --load names to the model keys.
var checkLoads = map[string]string{
	"s": "s", "small": "s",
	"m": "m", "medium": "m",
	"l": "l", "large": "l",
	"xl": "xl", "xLarge": "xl",
}

// checkFlags are the options shared by check perf and check datascale.
type checkFlags struct {
	load, prefix            string
	autoCompact, autoDefrag bool
}

// bind adds the flags check perf and check datascale share, with each
// command's own help texts and key prefix (etcd's wording).
func (f *checkFlags) bind(fs *pflag.FlagSet, loadHelp, prefix, prefixHelp string) {
	fs.StringVar(&f.load, "load", "s", loadHelp)
	fs.StringVar(&f.prefix, "prefix", prefix, prefixHelp)
	fs.BoolVar(&f.autoCompact, "auto-compact", false, "Compact storage with last revision after test is finished.")
	fs.BoolVar(&f.autoDefrag, "auto-defrag", false, "Defragment storage after test is finished.")
}

func (a *app) newCheckCommand() *cobra.Command {
	cc := &cobra.Command{
		Use:     "check <subcommand>",
		Short:   "commands for checking properties of the etcd cluster. Use `etcdctl check --help` to see subcommands",
		Long:    "commands for checking properties of the etcd cluster",
		GroupID: groupUtility,
	}
	cc.AddCommand(a.newCheckPerfCommand(), a.newCheckDatascaleCommand())
	return cc
}

// progressBar draws on stderr, for a person watching a terminal: only
// when both stdout and stderr are terminals and the output format is meant
// for reading (not json or protobuf). etcd's etcdctl draws it whatever
// they are; a script reading our stdout or stderr gets no frames.
type progressBar struct{ bar *pb.ProgressBar }

func (a *app) newProgressBar(total int) *progressBar {
	if !a.interactive() {
		return &progressBar{}
	}
	bar := pb.New(total)
	bar.SetWriter(a.Err)
	bar.Start()
	return &progressBar{bar: bar}
}

// interactive reports whether a person reads this run's output: stdout
// and stderr are terminals and the format is simple, fields or table.
func (a *app) interactive() bool {
	switch a.display.(type) {
	case *jsonPrinter, *pbPrinter:
		return false
	}
	for _, w := range []any{a.Out, a.Err} {
		if f, ok := w.(*os.File); !ok || !isTerminal(f) {
			return false
		}
	}
	return true
}

func (p *progressBar) Add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

func (p *progressBar) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// dialMany opens n clients on one configuration.
func dialMany(spec *clientSpec, n int) ([]*clientv3.Client, error) {
	cs := make([]*clientv3.Client, 0, n)
	for range n {
		c, err := spec.dial()
		if err != nil {
			closeAll(cs)
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func closeAll(cs []*clientv3.Client) {
	for _, c := range cs {
		c.Close()
	}
}

// runPuts sends every op of requests through one of the clients and
// returns the latency statistics.
func runPuts(clients []*clientv3.Client, requests <-chan clientv3.Op, done func()) *stats {
	results := make(chan result, len(clients))
	statc := make(chan *stats, 1)
	go func() { statc <- collect(results) }()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for op := range requests {
				st := time.Now()
				_, err := c.Do(context.Background(), op)
				results <- result{err: err, start: st, end: time.Now()}
				if done != nil {
					done()
				}
			}
		}()
	}
	wg.Wait()
	close(results)
	return <-statc
}

// randomKey fills k's head with a random varint, as etcdctl's keys are.
func randomKey(k []byte) string {
	binary.PutVarint(k, rand.Int64N(math.MaxInt64))
	return string(k)
}

// notifyInterrupt cancels ctx and runs cleanup on SIGINT.
func notifyInterrupt(ctx context.Context, cleanup func()) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	go func() {
		defer signal.Stop(sigc)
		select {
		case <-sigc:
			cancel()
			cleanup()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// cleanupPrefix deletes what a check wrote, and with compact compacts at
// the deletion's revision.
func (a *app) cleanupPrefix(c *clientv3.Client, prefix string, compact bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.Delete(ctx, prefix, clientv3.WithPrefix())
	if err != nil {
		fmt.Fprintf(a.Out, "FAIL: Cleanup failed during key deletion: ERROR(%v)\n", err)
		return
	}
	if compact {
		if err := a.compactAt(c, resp.Header.Revision); err != nil {
			fmt.Fprintf(a.Err, "Error: %v\n", err)
		}
	}
}

func (a *app) compactAt(c *clientv3.Client, rev int64) error {
	fmt.Fprintf(a.Out, "Compacting with revision %d\n", rev)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Compact(ctx, rev, clientv3.WithCompactPhysical()); err != nil {
		return exitErr(ExitError, err)
	}
	fmt.Fprintf(a.Out, "Compacted with revision %d\n", rev)
	return nil
}

func (a *app) defragAll(c *clientv3.Client) error {
	for _, ep := range c.Endpoints() {
		fmt.Fprintf(a.Out, "Defragmenting %q\n", ep)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := c.Defragment(ctx, ep)
		cancel()
		if err != nil {
			return exitErr(ExitError, err)
		}
		fmt.Fprintf(a.Out, "Defragmented %q\n", ep)
	}
	return nil
}

// residentMemory reads process_resident_memory_bytes from the endpoint's
// /metrics; 0 means it could not (the reason is printed).
func (a *app) residentMemory(host string, sec *secureConfig) float64 {
	const metric = "process_resident_memory_bytes"
	if !strings.HasPrefix(host, "http://") && !strings.HasPrefix(host, "https://") {
		host = "http://" + host
	}
	url := host + "/metrics"
	client := http.DefaultClient
	if strings.HasPrefix(host, "https://") {
		cert, err := tls.LoadX509KeyPair(sec.cert, sec.key)
		if err != nil {
			fmt.Fprintf(a.Out, "client certificate error: %v\n", err)
			return 0
		}
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
			Certificates:       []tls.Certificate{cert},
			InsecureSkipVerify: sec.insecureSkipVerify,
		}}}
	}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(a.Out, "fetch error: %v\n", err)
		return 0
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		fmt.Fprintf(a.Out, "fetch error: reading %s: %v\n", url, err)
		return 0
	}
	var value string
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, metric) {
			value = strings.TrimSpace(strings.TrimPrefix(line, metric))
			break
		}
	}
	if value == "" {
		fmt.Fprintf(a.Out, "could not find: %v\n", metric)
		return 0
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		fmt.Fprintf(a.Out, "parse error: %v\n", err)
		return 0
	}
	return v
}
