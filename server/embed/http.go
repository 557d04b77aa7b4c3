package embed

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/version"
	"github.com/etcdgo/etcd/server/v3/etcdserver"
	"github.com/etcdgo/etcd/server/v3/v3rpc"
)

// newHTTPHandler serves /health, /livez, /readyz, /version and /metrics,
// and /debug/pprof/ when withPprof is set.
func newHTTPHandler(s *etcdserver.EtcdServer, lg *zap.Logger, withPprof bool, reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	if withPprof {
		registerPprof(mux)
	}
	// As etcd's promhttp.Handler(), which counts its own scrapes.
	mux.Handle("/metrics", promhttp.InstrumentMetricHandler(reg, promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	hm := newHealthMetrics(reg)
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(version.Versions{Server: version.Version, Cluster: version.Cluster(version.Version) + ".0", Storage: v3rpc.StorageVersion})
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { health(w, r, s, hm) })
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

func health(w http.ResponseWriter, r *http.Request, s *etcdserver.EtcdServer, hm *healthMetrics) {
	h := healthBody{Health: "true"}
	code := http.StatusOK
	if s.Leader() == 0 {
		h, code = healthBody{Health: "false", Reason: "RAFT NO LEADER"}, http.StatusServiceUnavailable
	} else {
		// etcd's check: a one-key range, linearizable unless asked
		// otherwise (it shows in the range and request metrics).
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		_, err := s.Range(ctx, &pb.RangeRequest{KeysOnly: true, Limit: 1, Serializable: r.URL.Query().Get("serializable") == "true"})
		cancel()
		if err != nil {
			h, code = healthBody{Health: "false", Reason: "RANGE ERROR:" + err.Error()}, http.StatusServiceUnavailable
		}
	}
	if h.Health == "true" {
		hm.success.Inc()
	} else {
		hm.failures.Inc()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(h)
}

// healthMetrics count the answers of /health, as etcd's.
type healthMetrics struct {
	success, failures prometheus.Counter
}

func newHealthMetrics(reg prometheus.Registerer) *healthMetrics {
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "etcd", Subsystem: "server", Name: name, Help: help})
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				if e, ok := are.ExistingCollector.(prometheus.Counter); ok {
					return e // another client listener's
				}
			}
		}
		return c
	}
	return &healthMetrics{
		success:  counter("health_success", "The total number of successful health checks"),
		failures: counter("health_failures", "The total number of failed health checks"),
	}
}

// newRegistry is a member's own registry, with the Go runtime's and the
// process's collectors as etcd's default registry has them; the server,
// its gRPC servers and the HTTP handlers register their metrics on it.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}
