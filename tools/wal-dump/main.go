package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wal-dump:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wal-dump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.walDir, "wal-dir", "", "WAL directory (default <data-dir>/member/wal)")
	fs.Uint64Var(&o.startIndex, "start-index", 0, "list entries from this index on (ignores snapshots)")
	fs.BoolVar(&o.startFromSnap, "start-snap", true, "start from the newest snapshot matching the WAL")
	fs.IntVar(&o.preview, "preview", 32, "bytes of each entry's data shown in hex")
	fs.BoolVar(&o.records, "records", false, "list raw WAL records instead of entries")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wal-dump [flags] <data-dir>\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 && o.walDir == "" {
		fs.Usage()
		return fmt.Errorf("need a data directory")
	}
	o.dataDir = fs.Arg(0)
	return dump(o, stdout)
}
