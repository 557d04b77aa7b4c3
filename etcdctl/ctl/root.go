package ctl

import (
	"errors"
	"fmt"
	"io"
	"os"
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
	a := &app{Stdio: stdio, osArgs: args}
	a.display = &simplePrinter{w: stdio.Out, errw: stdio.Err}
	root := a.newRootCommand()
	root.SetArgs(args[1:])
	root.SetIn(stdio.In)
	root.SetErr(stdio.Err)
	// cobra writes help to Out and the usage that follows a flag error to
	// Out-or-stderr; leave Out unset for the real stdout so that usage
	// goes to stderr as etcd's does.
	if f, ok := stdio.Out.(*os.File); !ok || f != os.Stdout {
		root.SetOut(stdio.Out)
	}
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
	// cobra has printed its own error (bad flag, unknown command).
	return ExitError
}

// NewRootCommand returns etcdctl's command tree writing to stdio; Main is
// the usual entry point.
func NewRootCommand(stdio Stdio) *cobra.Command {
	a := &app{Stdio: stdio, osArgs: os.Args}
	a.display = &simplePrinter{w: stdio.Out, errw: stdio.Err}
	return a.newRootCommand()
}

func (a *app) newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:        cliName,
		Short:      cliDescription,
		SuggestFor: []string{"etcdctl"},
	}
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

var _ = errors.New
