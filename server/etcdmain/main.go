package etcdmain

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/api/v3/version"
	"github.com/etcdgo/etcd/server/v3/embed"
)

// exitError carries the process exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// Main runs the etcd command with args (without the program name) and
// exits.
func Main(args []string) {
	os.Exit(Run(args, os.Stdout, os.Stderr))
}

// PrintVersion writes what `etcd --version` prints.
func PrintVersion(w io.Writer) {
	fmt.Fprintf(w, "etcd Version: %s\n", version.Version)
	fmt.Fprintf(w, "Git SHA: %s\n", version.GitSHA)
	fmt.Fprintf(w, "Go Version: %s\n", runtime.Version())
	fmt.Fprintf(w, "Go OS/Arch: %s/%s\n", runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "etcdgo Version: %s\n", version.ProjectVersion)
}

// Run runs the command and returns the exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	var v flagValues
	cmd := &cobra.Command{
		Use:           "etcd",
		Short:         "etcd is a distributed, reliable key-value store",
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd, &v, stdout, stderr)
		},
	}
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.Flags().SortFlags = false
	addFlags(cmd.Flags(), &v)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: 2, err: fmt.Errorf("%v. See 'etcd --help'", err)}
	})
	err := cmd.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "etcd: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func run(cmd *cobra.Command, v *flagValues, stdout, stderr io.Writer) error {
	fs := cmd.Flags()
	if v.printVersion {
		PrintVersion(stdout)
		return nil
	}
	var warnings []string
	warn := func(s string) { warnings = append(warnings, s) }
	configFile := v.configFile
	if configFile == "" {
		configFile = os.Getenv("ETCD_CONFIG_FILE")
	}
	if configFile != "" {
		if err := setFromFile(fs, configFile); err != nil {
			return &exitError{code: 1, err: err}
		}
	} else if err := setFromEnv(fs, warn); err != nil {
		return &exitError{code: 2, err: err}
	}
	cfg, err := toEmbed(fs, v)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("error verifying flags, %v. See 'etcd --help'", err)}
	}
	lg, err := embed.NewZapLogger(cfg.LogLevel, cfg.LogOutputs)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	defer lg.Sync()
	for _, w := range warnings {
		lg.Warn(w)
	}
	if configFile != "" {
		lg.Info("loaded server configuration, other configuration command line flags and environment variables will be ignored if provided", zap.String("path", configFile))
	}
	cfg.ZapLogger = lg
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		lg.Error("failed to start etcd", zap.Error(err))
		return &exitError{code: 1, err: err}
	}
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigc)
	select {
	case sig := <-sigc:
		lg.Info("received signal; shutting down", zap.String("signal", sig.String()))
		e.Close()
		return nil
	case err := <-e.Err():
		lg.Error("etcd stopped with an error", zap.Error(err))
		e.Close()
		return &exitError{code: 1, err: err}
	case <-e.Server.StopNotify():
		// The member was removed from the cluster.
		e.Close()
		return nil
	case err := <-e.Server.Err():
		lg.Error("etcd server stopped with an error", zap.Error(err))
		e.Close()
		return &exitError{code: 1, err: err}
	}
}
