package rafthttp

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Handler serves the /raft/ endpoints of the peer listener.
func (t *Transport) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /raft/stream/{kind}", t.serveStream)
	mux.HandleFunc("POST /raft/snapshot", t.serveSnapshot)
	mux.HandleFunc("GET "+probePath, serveProbe)
	return mux
}

// checkRequest refuses requests from another cluster, to another member
// or from a removed member; it returns the sender's ID.
func (t *Transport) checkRequest(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	cid, err := strconv.ParseUint(r.Header.Get(hdrClusterID), 16, 64)
	if err != nil || cid != t.cfg.ClusterID {
		t.lg.Warn("rejected peer request from another cluster", zap.String("local-member-id", idStr(t.cfg.ID)),
			zap.String("local-member-cluster-id", idStr(t.cfg.ClusterID)), zap.String("remote-peer-cluster-id", r.Header.Get(hdrClusterID)),
			zap.String("remote-addr", r.RemoteAddr))
		refuse(w, ErrClusterIDMismatch.Error(), http.StatusPreconditionFailed)
		return 0, false
	}
	to, err := strconv.ParseUint(r.Header.Get(hdrTo), 16, 64)
	if err != nil || to != t.cfg.ID {
		refuse(w, ErrToIDMismatch.Error(), http.StatusPreconditionFailed)
		return 0, false
	}
	from, err := strconv.ParseUint(r.Header.Get(hdrFrom), 16, 64)
	if err != nil || from == 0 {
		refuse(w, "invalid from", http.StatusBadRequest)
		return 0, false
	}
	if t.cfg.Raft.IsIDRemoved(from) {
		refuse(w, ErrMemberRemoved.Error(), http.StatusGone)
		return 0, false
	}
	return from, true
}

func (t *Transport) serveStream(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if kind != streamMsgApp && kind != streamMessage {
		refuse(w, "unknown stream", http.StatusNotFound)
		return
	}
	from, ok := t.checkRequest(w, r)
	if !ok {
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), streamProtocol) {
		refuse(w, "stream needs Upgrade: "+streamProtocol, http.StatusUpgradeRequired)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		refuse(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	// The peer server's deadlines do not apply to a stream, and its Close
	// does not reach hijacked connections: stopping the transport does.
	_ = conn.SetDeadline(time.Time{})
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-t.stopc:
			conn.Close()
		case <-done:
		}
	}()
	if _, err := brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + streamProtocol + "\r\n\r\n"); err != nil {
		return
	}
	if err := brw.Flush(); err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-t.stopc:
			cancel()
		case <-done:
		}
	}()
	// Bytes the server read ahead stay in brw; the rest comes from conn.
	var src io.Reader = conn
	if n := brw.Reader.Buffered(); n > 0 {
		src = io.MultiReader(io.LimitReader(brw.Reader, int64(n)), conn)
	}
	br := bufio.NewReaderSize(src, 64<<10)
	received := t.cfg.Metrics.receivedBytes.WithLabelValues(idStr(from))
	failures := t.cfg.Metrics.receivedFailures.WithLabelValues(idStr(from))
	var scratch []byte
	for {
		m, s, err := readFrame(br, scratch)
		scratch = s
		if err != nil {
			return
		}
		received.Add(float64(4 + len(scratch)))
		if t.cfg.Raft.IsIDRemoved(from) {
			return // the sender reconnects and learns it was removed
		}
		if m.GetFrom() != from || m.GetTo() != t.cfg.ID {
			t.lg.Warn("dropped message with unexpected from/to", zap.String("stream-from", idStr(from)), zap.String("message-from", idStr(m.GetFrom())))
			continue
		}
		if err := t.cfg.Raft.Process(ctx, m); err != nil {
			if !errors.Is(err, context.Canceled) {
				failures.Inc()
				t.lg.Debug("failed to process raft message", zap.Error(err))
			}
			return
		}
	}
}

// refuse answers without reading the request body. The connection is
// closed after the answer: otherwise the server would first try to drain
// the body, which for a stream never ends.
func refuse(w http.ResponseWriter, msg string, code int) {
	w.Header().Set("Connection", "close")
	http.Error(w, msg, code)
}
