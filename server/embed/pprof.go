package embed

import (
	"net/http"
	"net/http/pprof"
	"runtime"
)

// pprofPrefix is where --enable-pprof serves the runtime profiles, as in
// etcd: the client URL + "/debug/pprof/".
const pprofPrefix = "/debug/pprof"

// registerPprof adds net/http/pprof's handlers under /debug/pprof/ to mux.
// The index handler also serves every named profile
// (/debug/pprof/allocs, …). Like etcd, it samples one mutex contention
// event in five unless the process already chose a rate.
func registerPprof(mux *http.ServeMux) {
	if runtime.SetMutexProfileFraction(-1) == 0 {
		runtime.SetMutexProfileFraction(5)
	}
	mux.HandleFunc(pprofPrefix+"/", pprof.Index)
	mux.HandleFunc(pprofPrefix+"/profile", pprof.Profile)
	mux.HandleFunc(pprofPrefix+"/symbol", pprof.Symbol)
	mux.HandleFunc(pprofPrefix+"/cmdline", pprof.Cmdline)
	mux.HandleFunc(pprofPrefix+"/trace", pprof.Trace)
	for _, name := range []string{"heap", "goroutine", "threadcreate", "block", "mutex"} {
		mux.Handle(pprofPrefix+"/"+name, pprof.Handler(name))
	}
}

// pprofEnabled reports whether the client listeners serve pprof: with
// --enable-pprof, or at log level debug, as etcd does.
func (cfg *Config) pprofEnabled() bool {
	return cfg.EnablePprof || cfg.LogLevel == "debug"
}
