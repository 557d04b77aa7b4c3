package rafthttp

import (
	"context"
	"net/http"
	"time"
)

// Probing: every member answers GET /raft/probing, and each peer is asked
// every probeInterval (etcd's prober interval); the round trip times are
// etcd_network_peer_round_trip_time_seconds.
const (
	probePath     = "/raft/probing"
	probeInterval = 4 * time.Second
	probeTimeout  = 5 * time.Second
)

func serveProbe(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

// runProbes measures the round trip to the peer until it stops.
func (p *peer) runProbes() {
	t := time.NewTicker(probeInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.probe()
		case <-p.stopc:
			return
		}
	}
}

func (p *peer) probe() {
	p.urlMu.Lock()
	if len(p.urls) == 0 {
		p.urlMu.Unlock()
		return
	}
	u := p.urls[0]
	p.urlMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+probePath, nil)
	if err != nil {
		return
	}
	// As every peer request: a probe's connection may carry a stream
	// next, and whoever sits between the members (tests' partitioning
	// proxies) tells the sender of a connection by its first request.
	setHeaders(req.Header, p.t.cfg.ClusterID, p.t.cfg.ID, p.id)
	start := time.Now()
	resp, err := p.t.client.Do(req)
	if err != nil {
		return
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		p.m.roundTrip(time.Since(start))
	}
}
