package rafthttp

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.etcd.io/raft/v3/raftpb"
	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"
)

const (
	streamMsgApp  = "msgapp"
	streamMessage = "message"

	// Header names.
	hdrClusterID = "X-Etcd-Cluster-ID"
	hdrFrom      = "X-Server-From"
	hdrTo        = "X-Server-To"

	// maxFrame bounds one received message.
	maxFrame = 512 << 20
	// handshakeTimeout bounds waiting for a stream's response headers.
	handshakeTimeout = time.Second
	// maxBatch bounds the bytes written to a stream in one write.
	maxBatch = 1 << 20
	// streamProtocol is the Upgrade token of a raft stream.
	streamProtocol = "etcdgo-raft-stream/1"
)

// streamWriter owns one outgoing stream to a peer: it connects, writes the
// queued messages as length-prefixed frames and reconnects with backoff.
type streamWriter struct {
	p    *peer
	kind string
	q    chan *raftpb.Message
}

func (w *streamWriter) run() {
	var bo backoff
	for {
		err := w.connectAndWrite(&bo)
		select {
		case <-w.p.stopc:
			return
		default:
		}
		if errors.Is(err, ErrMemberRemoved) {
			w.p.t.removed()
		}
		if err != nil {
			w.p.t.lg.Debug("peer stream failed", zap.String("remote-peer-id", idStr(w.p.id)), zap.String("stream", w.kind), zap.Error(err))
		}
		// While disconnected, queued messages are stale: drop them.
		timer := time.NewTimer(bo.next())
	wait:
		for {
			select {
			case m := <-w.q:
				w.p.m.sendFailed()
				if m.GetType() == raftpb.MsgApp {
					w.p.t.cfg.Raft.ReportUnreachable(w.p.id)
				}
			case <-timer.C:
				break wait
			case <-w.p.stopc:
				timer.Stop()
				return
			}
		}
	}
}

// connectAndWrite runs one connection until it fails or the peer stops.
// The stream is an HTTP/1.1 request upgraded to a raw connection (101
// Switching Protocols), so frames go straight from this goroutine to the
// socket: no request-body pipe, no chunk encoding.
func (w *streamWriter) connectAndWrite(bo *backoff) error {
	u := w.p.pickURL()
	if u == "" {
		return errors.New("no peer URL")
	}
	t := w.p.t
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	go func() {
		select {
		case <-w.p.stopc:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u+"/raft/stream/"+w.kind, nil)
	if err != nil {
		return err
	}
	setHeaders(req.Header, t.cfg.ClusterID, t.cfg.ID, w.p.id)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", streamProtocol)
	resp, err := t.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = errHandshakeTimeout
		}
		return err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		defer resp.Body.Close()
		if err := checkResponse(resp); err != nil {
			return err
		}
		return fmt.Errorf("rafthttp: peer answered %s to a stream upgrade", resp.Status)
	}
	conn, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		resp.Body.Close()
		return errors.New("rafthttp: upgraded stream is not writable")
	}
	bo.reset()
	w.p.setConnected(true)
	defer w.p.setConnected(false)
	// The receiver never writes; a read ending means the connection is
	// gone.
	deadc := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn)
		close(deadc)
	}()
	defer func() {
		conn.Close()
		<-deadc
	}()
	buf := make([]byte, 0, 64<<10)
	for {
		select {
		case m := <-w.q:
			buf = appendFrame(buf[:0], m)
		drain:
			for len(buf) < maxBatch {
				select {
				case m := <-w.q:
					buf = appendFrame(buf, m)
				default:
					break drain
				}
			}
			n, err := conn.Write(buf)
			w.p.m.sentBytes.Add(float64(n))
			if err != nil {
				w.p.m.sendFailed()
				return err
			}
		case <-deadc:
			return errors.New("stream closed by peer")
		case <-w.p.stopc:
			return nil
		}
	}
}

var errHandshakeTimeout = errors.New("rafthttp: stream handshake timed out")

func appendFrame(buf []byte, m *raftpb.Message) []byte {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	out, err := proto.MarshalOptions{}.MarshalAppend(buf, m)
	if err != nil {
		return buf[:start]
	}
	binary.BigEndian.PutUint32(out[start:], uint32(len(out)-start-4))
	return out
}

func readFrame(r *bufio.Reader, scratch []byte) (*raftpb.Message, []byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, scratch, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, scratch, fmt.Errorf("rafthttp: frame of %d bytes is too large", n)
	}
	if cap(scratch) < int(n) {
		scratch = make([]byte, n)
	}
	scratch = scratch[:n]
	if _, err := io.ReadFull(r, scratch); err != nil {
		return nil, scratch, err
	}
	m := &raftpb.Message{}
	if err := proto.Unmarshal(scratch, m); err != nil {
		return nil, scratch, err
	}
	return m, scratch, nil
}

func setHeaders(h http.Header, cid, from, to uint64) {
	h.Set(hdrClusterID, idStr(cid))
	h.Set(hdrFrom, idStr(from))
	h.Set(hdrTo, idStr(to))
}

// checkResponse maps a refusal to its error.
func checkResponse(resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
		return nil
	case http.StatusGone:
		return ErrMemberRemoved
	case http.StatusPreconditionFailed:
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		switch string(b) {
		case ErrToIDMismatch.Error():
			return ErrToIDMismatch
		}
		return ErrClusterIDMismatch
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Errorf("rafthttp: peer answered %s: %s", resp.Status, b)
}

func idStr(id uint64) string { return strconv.FormatUint(id, 16) }
