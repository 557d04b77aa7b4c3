package ctl

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/grpclog"
)

// flagToEnv names the variable of a flag: ETCDCTL_DIAL_TIMEOUT for
// --dial-timeout.
func flagToEnv(prefix, name string) string {
	return prefix + "_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// applyEnv sets every flag of fs not given on the command line from its
// variable. As etcd does, it warns about unknown prefix_* variables, ignores
// values that do not parse, and refuses a variable that a given flag
// shadows.
func (a *app) applyEnv(prefix string, fs *pflag.FlagSet) error {
	shadowed := map[string]bool{}
	used := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) {
		key := flagToEnv(prefix, f.Name)
		if f.Changed {
			shadowed[key] = true
			return
		}
		if v := os.Getenv(key); v != "" {
			used[key] = true
			_ = fs.Set(f.Name, v) // etcdctl ignores a bad value here
		}
	})
	lg := newStderrLogger(a.Err)
	defer func() { _ = lg.Sync() }()
	for _, kv := range os.Environ() {
		key, _, ok := strings.Cut(kv, "=")
		if !ok {
			lg.Warn("found invalid environment variable", zap.String("environment-variable", kv))
		}
		if used[key] {
			continue
		}
		if shadowed[key] {
			lg.Error("conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))",
				zap.String("environment-variable", key))
			return errSilentExit(ExitError)
		}
		if strings.HasPrefix(kv, prefix+"_") {
			lg.Warn("unrecognized environment variable", zap.String("environment-variable", kv))
		}
	}
	return nil
}

// newStderrLogger is a JSON logger on w, the shape of etcd's default
// command-line logger.
func newStderrLogger(w io.Writer) *zap.Logger {
	enc := zapcore.EncoderConfig{
		TimeKey:       "ts",
		LevelKey:      "level",
		NameKey:       "logger",
		CallerKey:     "caller",
		MessageKey:    "msg",
		StacktraceKey: "stacktrace",
		LineEnding:    zapcore.DefaultLineEnding,
		EncodeLevel:   zapcore.LowercaseLevelEncoder,
		// microseconds, as etcd's logs print time
		EncodeTime: func(t time.Time, enc zapcore.PrimitiveArrayEncoder) {
			enc.AppendString(t.Format("2006-01-02T15:04:05.000000Z0700"))
		},
		EncodeDuration: zapcore.StringDurationEncoder,
		EncodeCaller:   zapcore.ShortCallerEncoder,
	}
	core := zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(w), zap.InfoLevel)
	return zap.New(core, zap.AddCaller())
}

// enableGRPCDebugLog sends gRPC's own logs, verbosely, to w (--debug).
func enableGRPCDebugLog(w io.Writer) {
	grpclog.SetLoggerV2(grpclog.NewLoggerV2WithVerbosity(w, w, w, 4))
}

var _ = fmt.Sprint
