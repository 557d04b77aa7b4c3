package embed

import (
	"fmt"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func parseLevel(s string) (zapcore.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return zapcore.DebugLevel, nil
	case "info", "":
		return zapcore.InfoLevel, nil
	case "warn":
		return zapcore.WarnLevel, nil
	case "error":
		return zapcore.ErrorLevel, nil
	case "dpanic":
		return zapcore.DPanicLevel, nil
	case "panic":
		return zapcore.PanicLevel, nil
	case "fatal":
		return zapcore.FatalLevel, nil
	}
	return 0, fmt.Errorf("unknown log-level %q", s)
}

// NewZapLogger builds etcd's JSON logger (ts, level, caller, msg) for the
// given level and outputs ("default" and "stderr" are stderr, "stdout",
// or file paths).
func NewZapLogger(level string, outputs []string) (*zap.Logger, error) {
	lvl, err := parseLevel(level)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, o := range outputs {
		switch o {
		case "default", "":
			paths = append(paths, "stderr")
		default:
			paths = append(paths, o)
		}
	}
	if len(paths) == 0 {
		paths = []string{"stderr"}
	}
	zc := zap.Config{
		Level:    zap.NewAtomicLevelAt(lvl),
		Encoding: "json",
		EncoderConfig: zapcore.EncoderConfig{
			TimeKey:        "ts",
			LevelKey:       "level",
			NameKey:        "logger",
			CallerKey:      "caller",
			MessageKey:     "msg",
			StacktraceKey:  "stacktrace",
			LineEnding:     zapcore.DefaultLineEnding,
			EncodeLevel:    zapcore.LowercaseLevelEncoder,
			EncodeTime:     zapcore.TimeEncoderOfLayout("2006-01-02T15:04:05.999999Z0700"),
			EncodeDuration: zapcore.StringDurationEncoder,
			EncodeCaller:   zapcore.ShortCallerEncoder,
		},
		OutputPaths:      paths,
		ErrorOutputPaths: paths,
	}
	return zc.Build()
}
