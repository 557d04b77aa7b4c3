package e2e

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// Proxy forwards TCP connections to a member's peer listener. Members
// advertise the proxy's URL, so that a test can cut links: a connection
// is refused when its sender (the X-Server-From header of its first HTTP
// request, a member ID in hex) is blocked, or when the proxy is blocked
// entirely.
type Proxy struct {
	l      net.Listener
	target string

	mu       sync.Mutex
	blocked  map[string]bool
	blockAll bool
	conns    map[net.Conn]string
	closed   bool
	wg       sync.WaitGroup
}

// NewProxy listens on a free loopback port and forwards to target
// (host:port).
func NewProxy(target string) (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{l: l, target: target, blocked: map[string]bool{}, conns: map[net.Conn]string{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// URL is the proxy's http URL.
func (p *Proxy) URL() string { return "http://" + p.l.Addr().String() }

// Block refuses connections from member from (hex ID) and closes the
// open ones.
func (p *Proxy) Block(from string) {
	p.mu.Lock()
	p.blocked[from] = true
	p.dropLocked(func(s string) bool { return s == from })
	p.mu.Unlock()
}

// Unblock lets member from connect again.
func (p *Proxy) Unblock(from string) {
	p.mu.Lock()
	delete(p.blocked, from)
	p.mu.Unlock()
}

// BlockAll refuses every connection and closes the open ones.
func (p *Proxy) BlockAll() {
	p.mu.Lock()
	p.blockAll = true
	p.dropLocked(func(string) bool { return true })
	p.mu.Unlock()
}

// UnblockAll undoes BlockAll and every Block.
func (p *Proxy) UnblockAll() {
	p.mu.Lock()
	p.blockAll = false
	p.blocked = map[string]bool{}
	p.mu.Unlock()
}

func (p *Proxy) dropLocked(match func(string) bool) {
	for c, from := range p.conns {
		if match(from) {
			c.Close()
		}
	}
}

// Close stops the proxy and closes its connections.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.dropLocked(func(string) bool { return true })
	p.mu.Unlock()
	p.l.Close()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

// sender reads the first request's headers (without consuming them) and
// returns its X-Server-From header.
func sender(br *bufio.Reader) string {
	for k := 1; k <= 16<<10; {
		b, err := br.Peek(k)
		if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
			tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(b[:i+4])))
			if _, err := tp.ReadLine(); err != nil {
				return ""
			}
			h, _ := tp.ReadMIMEHeader()
			return strings.ToLower(h.Get("X-Server-From"))
		}
		if err != nil {
			return ""
		}
		if n := br.Buffered(); n > k {
			k = n // look at everything already read
		} else {
			k++ // the headers are incomplete: wait for more
		}
	}
	return ""
}

func (p *Proxy) handle(c net.Conn) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReaderSize(c, 16<<10)
	from := sender(br)
	_ = c.SetReadDeadline(time.Time{})
	p.mu.Lock()
	if p.closed || p.blockAll || p.blocked[from] {
		p.mu.Unlock()
		return
	}
	p.conns[c] = from
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	up, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(up, br)
		if tc, ok := up.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(c, up)
		done <- struct{}{}
	}()
	<-done
	// One direction ended (or the connection was dropped): close both so
	// the peers notice.
	c.Close()
	up.Close()
	<-done
}
