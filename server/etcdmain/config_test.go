package etcdmain

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestEnablePprofFlag: --enable-pprof and ETCD_ENABLE_PPROF set the embed
// configuration's EnablePprof; the help text is etcd's.
func TestEnablePprofFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string
		want bool
	}{
		{"default", nil, "", false},
		{"flag", []string{"--enable-pprof"}, "", true},
		{"flag false", []string{"--enable-pprof=false"}, "", false},
		{"env", nil, "true", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ETCD_ENABLE_PPROF", tt.env)
			fs := pflag.NewFlagSet("etcd", pflag.ContinueOnError)
			var v flagValues
			addFlags(fs, &v)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if err := setFromEnv(fs, func(w string) {
				if strings.Contains(w, "ENABLE_PPROF") {
					t.Errorf("warned: %s", w)
				}
			}); err != nil {
				t.Fatal(err)
			}
			cfg, err := toEmbed(fs, &v)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.EnablePprof != tt.want {
				t.Fatalf("EnablePprof = %v, want %v", cfg.EnablePprof, tt.want)
			}
		})
	}
	fs := pflag.NewFlagSet("etcd", pflag.ContinueOnError)
	addFlags(fs, &flagValues{})
	const help = `Enable runtime profiling data via HTTP server. Address is at client URL + "/debug/pprof/"`
	if f := fs.Lookup("enable-pprof"); f == nil || f.Usage != help || f.DefValue != "false" {
		t.Fatalf("enable-pprof flag: %+v", f)
	}
}
