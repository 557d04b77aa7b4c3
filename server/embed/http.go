package embed

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/etcdgo/etcd/api/v3/version"
	"github.com/etcdgo/etcd/server/v3/etcdserver"
	"github.com/etcdgo/etcd/server/v3/v3rpc"
)

// newHTTPHandler serves /health, /livez, /readyz, /version and /metrics,
// and /debug/pprof/ when withPprof is set.
func newHTTPHandler(s *etcdserver.EtcdServer, lg *zap.Logger, withPprof bool) http.Handler {
	mux := http.NewServeMux()
	if withPprof {
		registerPprof(mux)
	}
	reg := newRegistry(s)
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(version.Versions{Server: version.Version, Cluster: version.Cluster(version.Version) + ".0", Storage: v3rpc.StorageVersion})
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { health(w, r, s) })
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}
	mux.HandleFunc("/livez", ok)
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.Leader() == 0 {
			http.Error(w, "[-]leader failed: no leader", http.StatusServiceUnavailable)
			return
		}
		ok(w, r)
	})
	return mux
}

type healthBody struct {
	Health string `json:"health"`
	Reason string `json:"reason"`
}

func health(w http.ResponseWriter, r *http.Request, s *etcdserver.EtcdServer) {
	h := healthBody{Health: "true"}
	code := http.StatusOK
	if s.Leader() == 0 {
		h, code = healthBody{Health: "false", Reason: "RAFT NO LEADER"}, http.StatusServiceUnavailable
	} else if r.URL.Query().Get("serializable") != "true" {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		err := s.LinearizableReadNotify(ctx)
		cancel()
		if err != nil {
			h, code = healthBody{Health: "false", Reason: "QGET ERROR:" + err.Error()}, http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(h)
}

// newRegistry exposes a few of etcd's metrics, with etcd's names, from a
// registry of this server's own.
func newRegistry(s *etcdserver.EtcdServer) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gauge := func(subsystem, name, help string, f func() float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "etcd", Subsystem: subsystem, Name: name, Help: help}, f))
	}
	b2f := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	gauge("server", "has_leader", "Whether or not a leader exists. 1 is existence, 0 is not.", func() float64 { return b2f(s.Leader() != 0) })
	gauge("server", "is_leader", "Whether or not this member is a leader. 1 if is, 0 otherwise.", func() float64 { return b2f(s.Leader() == s.ID()) })
	gauge("server", "proposals_committed_total", "The total number of consensus proposals committed.", func() float64 { return float64(s.CommittedIndex()) })
	gauge("server", "proposals_applied_total", "The total number of consensus proposals applied.", func() float64 { return float64(s.AppliedIndex()) })
	gauge("mvcc", "db_total_size_in_bytes", "Total size of the underlying database physically allocated in bytes.", func() float64 { return float64(s.DBSize()) })
	gauge("mvcc", "db_total_size_in_use_in_bytes", "Total size of the underlying database logically in use in bytes.", func() float64 { return float64(s.DBSizeInUse()) })
	gauge("server", "quota_backend_bytes", "Current backend storage quota size in bytes.", func() float64 { return float64(s.QuotaBackendBytes()) })
	gauge("debugging", "mvcc_current_revision", "The current revision of store.", func() float64 { return float64(s.Rev()) })
	return reg
}
