package rafthttp

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"time"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
)

// snapshotTimeout bounds sending one snapshot.
const snapshotTimeout = 5 * time.Minute

// runSnapshots sends the snapshots raft asks for, one at a time.
func (p *peer) runSnapshots() {
	for {
		select {
		case m := <-p.snapc:
			status := raft.SnapshotFinish
			if err := p.t.cfg.Metrics.sendingSnapshot(p.id, func() error { return p.sendSnapshot(m) }); err != nil {
				p.t.lg.Warn("failed to send database snapshot", zap.String("remote-peer-id", idStr(p.id)), zap.Error(err))
				status = raft.SnapshotFailure
				if err == ErrMemberRemoved {
					p.t.removed()
				}
			}
			p.t.cfg.Raft.ReportSnapshot(p.id, status)
		case <-p.stopc:
			return
		}
	}
}

// sendSnapshot streams the message followed by the backend database.
func (p *peer) sendSnapshot(m *raftpb.Message) error {
	t := p.t
	start := time.Now()
	idx := m.GetSnapshot().GetMetadata().GetIndex()
	t.lg.Info("sending database snapshot", zap.String("remote-peer-id", idStr(p.id)), zap.Uint64("snapshot-index", idx))
	ctx, cancel := context.WithTimeout(context.Background(), snapshotTimeout)
	defer cancel()
	go func() {
		select {
		case <-p.stopc:
			cancel()
		case <-ctx.Done():
		}
	}()
	pr, pw := io.Pipe()
	var sent countingWriter
	go func() {
		hdr := appendFrame(nil, m)
		_, err := pw.Write(hdr)
		if err == nil {
			cw := &countingWriter{w: pw}
			err = t.cfg.DBSnapshot(cw)
			sent.n = cw.n
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.pickURL()+"/raft/snapshot", pr)
	if err != nil {
		pr.CloseWithError(err)
		return err
	}
	setHeaders(req.Header, t.cfg.ClusterID, t.cfg.ID, p.id)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := t.client.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		return err
	}
	defer resp.Body.Close()
	if err := checkResponse(resp); err != nil {
		return err
	}
	p.m.sentBytes.Add(float64(sent.n))
	t.lg.Info("sent database snapshot", zap.String("remote-peer-id", idStr(p.id)), zap.Uint64("snapshot-index", idx),
		zap.Int64("bytes", sent.n), zap.Duration("took", time.Since(start)))
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// serveSnapshot saves the database as <index>.snap.db and then hands the
// message to raft.
func (t *Transport) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	from, ok := t.checkRequest(w, r)
	if !ok {
		return
	}
	success := false
	defer t.cfg.Metrics.receivingSnapshot(from)(&success)
	br := bufio.NewReaderSize(r.Body, 64<<10)
	m, _, err := readFrame(br, nil)
	if err != nil || m.GetType() != raftpb.MsgSnap || m.GetFrom() != from {
		refuse(w, "bad snapshot message", http.StatusBadRequest)
		return
	}
	idx := m.GetSnapshot().GetMetadata().GetIndex()
	t.lg.Info("receiving database snapshot", zap.String("local-member-id", idStr(t.cfg.ID)), zap.String("remote-snapshot-sender-id", idStr(from)), zap.Uint64("incoming-snapshot-index", idx))
	n, err := t.cfg.Snap.SaveDBFrom(br, idx)
	if err != nil {
		t.lg.Warn("failed to save database snapshot", zap.Error(err))
		refuse(w, "failed to save snapshot: "+err.Error(), http.StatusInternalServerError)
		return
	}
	t.lg.Info("received and saved database snapshot", zap.String("remote-snapshot-sender-id", idStr(from)), zap.Uint64("incoming-snapshot-index", idx), zap.Int64("bytes", n))
	t.cfg.Metrics.receivedBytes.WithLabelValues(idStr(from)).Add(float64(n))
	if err := t.cfg.Raft.Process(r.Context(), m); err != nil {
		refuse(w, err.Error(), http.StatusInternalServerError)
		return
	}
	success = true
	w.WriteHeader(http.StatusNoContent)
}
