package ctl

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const (
	cliName        = "etcdctl"
	cliDescription = "A simple command line client for etcd3."

	defaultDialTimeout      = 2 * time.Second
	defaultCommandTimeout   = 5 * time.Second
	defaultKeepAliveTime    = 2 * time.Second
	defaultKeepAliveTimeout = 6 * time.Second
)

// Stdio is where a run reads and writes.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// app is one run of etcdctl: its streams, its raw arguments (watch and
// lock look for "--" in them) and the printer chosen by --write-out.
type app struct {
	Stdio
	osArgs  []string
	display printer
	// envDone is set once ETCDCTL_* variables are applied: a command that
	// reads the flags twice must not see its own settings as conflicts.
	envDone bool
}

// Main runs etcdctl with args (args[0] is the program name) and returns
// the process exit code.
func Main(args []string, stdio Stdio) int {
	// etcd's etcdctl accepts unambiguous command prefixes ("etcdctl memb
	// list"); the setting is cobra's, process-wide.
	cobra.EnablePrefixMatching = true
	a := &app{Stdio: stdio, osArgs: args}
	a.display = &simplePrinter{w: stdio.Out, errw: stdio.Err}
	root := a.newRootCommand()
	root.SetArgs(args[1:])
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := root.Execute()
	if err == nil {
		return ExitSuccess
	}
	if e, ok := asExit(err); ok {
		if e.Err != nil {
			fmt.Fprintln(stdio.Err, "Error:", e.Err)
		}
		return e.Code
	}
	// cobra has printed "Error: …" (bad flag, bad arguments, unknown
	// command); after a bad flag or bad arguments the command's usage
	// follows on stderr.
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stdio.Err, ue.cmd.UsageString())
	}
	return ExitError
}

// usageError is a bad flag or bad arguments of cmd: Main prints cmd's
// usage after the error. cobra would print it itself, but to the command's
// Out when one is set, which is stdout.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// withUsage wraps an Args validator's errors in usageError.
func withUsage(args cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return &usageError{cmd: cmd, err: err}
		}
		return nil
	}
}

func (a *app) newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:        cliName,
		Short:      cliDescription,
		SuggestFor: []string{"etcdctl"},
		// Main prints the usage after a usageError.
		SilenceUsage: true,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{cmd: cmd, err: err}
	})
	addGlobalFlags(root.PersistentFlags())
	_ = root.RegisterFlagCompletionFunc("write-out", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"fields", "json", "protobuf", "simple", "table"}, cobra.ShellCompDirectiveDefault
	})

	root.AddGroup(
		&cobra.Group{ID: groupKV, Title: "Key-value commands"},
		&cobra.Group{ID: groupClusterMaintenance, Title: "Cluster maintenance commands"},
		&cobra.Group{ID: groupConcurrency, Title: "Concurrency commands"},
		&cobra.Group{ID: groupAuthentication, Title: "Authentication commands"},
		&cobra.Group{ID: groupUtility, Title: "Utility commands"},
	)
	root.AddCommand(a.commands()...)
	root.AddCommand(newOptionsCommand(root))
	root.SetHelpCommandGroupID(groupUtility)

	// Global flags are listed by "etcdctl options", not in every help page.
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) { f.Hidden = true })
	if root.Flags().Lookup("help") == nil {
		root.Flags().BoolP("help", "h", false, "help for "+root.Name())
	}
	_ = root.Flags().MarkHidden("help")
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		defaultHelp(cmd, args)
		fmt.Fprintln(cmd.OutOrStdout(), `Use "etcdctl options" for a list of global command-line options (applies to all commands).`)
	})
	return root
}

// Command groups of the help page.
const (
	groupKV                 = "kv"
	groupClusterMaintenance = "cluster maintenance"
	groupConcurrency        = "concurrency"
	groupAuthentication     = "authentication"
	groupUtility            = "utility"
)

// run adapts a command body to cobra: a returned error is printed by Main
// (not by cobra, and without a usage page).
func run(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := fn(cmd, args)
		if err == nil {
			return nil
		}
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if _, ok := asExit(err); !ok {
			err = exitErr(ExitError, err)
		}
		return err
	}
}

// errSilentExit ends a run with code and prints nothing more.
func errSilentExit(code int) error { return exitErr(code, nil) }
