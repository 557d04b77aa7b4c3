package embed

import (
	"net/http"
	"time"

	"go.uber.org/zap"
)

// servePeers serves raft traffic and the member endpoints on the peer
// listeners.
func (e *Etcd) servePeers() {
	h := e.Server.PeerHandler()
	for _, l := range e.peers {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: nil}
		e.peerSrvs = append(e.peerSrvs, srv)
		e.lg.Info("serving peer traffic", zap.String("address", l.Addr().String()))
		e.goServe(func() error { return srv.Serve(l) })
	}
}

// closePeers stops the peer servers, closing their streams.
func (e *Etcd) closePeers() {
	for _, s := range e.peerSrvs {
		_ = s.Close()
	}
	for _, l := range e.peers {
		l.Close()
	}
}
