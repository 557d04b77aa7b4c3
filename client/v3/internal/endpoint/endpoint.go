package endpoint

import (
	"net/url"
	"path"
	"strings"
)

// Creds says whether an endpoint wants transport security.
type Creds int

const (
	// CredsOptional: use TLS when the client was configured with it.
	CredsOptional Creds = iota
	// CredsRequire: the scheme asks for TLS (https, unixs).
	CredsRequire
	// CredsDrop: the scheme asks for plain text (http).
	CredsDrop
)

// Parsed is an endpoint split into what the dialer needs.
type Parsed struct {
	Addr       string // what gRPC dials: host:port or unix:path
	ServerName string // TLS server name / authority
	Creds      Creds
}

func credsFor(scheme string) Creds {
	switch scheme {
	case "https", "unixs":
		return CredsRequire
	case "http":
		return CredsDrop
	default:
		return CredsOptional
	}
}

// Parse interprets one endpoint.
func Parse(ep string) Parsed {
	for _, scheme := range []string{"unix", "unixs"} {
		if !strings.HasPrefix(ep, scheme+":") {
			continue
		}
		rest := strings.TrimPrefix(ep, scheme+":")
		var addr string
		switch {
		case strings.HasPrefix(rest, "///"): // absolute: unix:///tmp/s
			addr = "unix://" + strings.TrimPrefix(rest, "//")
			rest = strings.TrimPrefix(rest, "//")
		case strings.HasPrefix(rest, "//"): // relative: unix://s
			rest = strings.TrimPrefix(rest, "//")
			addr = "unix:" + rest
		default:
			addr = "unix:" + rest
		}
		return Parsed{Addr: addr, ServerName: path.Base(rest), Creds: credsFor(scheme)}
	}
	if strings.Contains(ep, "://") {
		u, err := url.Parse(ep)
		if err != nil {
			return Parsed{Addr: ep, ServerName: ep, Creds: CredsOptional}
		}
		if u.Scheme == "http" || u.Scheme == "https" {
			return Parsed{Addr: u.Host, ServerName: u.Host, Creds: credsFor(u.Scheme)}
		}
		return Parsed{Addr: ep, ServerName: u.Host, Creds: credsFor(u.Scheme)}
	}
	return Parsed{Addr: ep, ServerName: ep, Creds: CredsOptional}
}

// Authority is the part of an endpoint after its scheme, used as the
// authority of the gRPC target.
func Authority(ep string) string {
	if _, rest, ok := strings.Cut(ep, "://"); ok {
		return rest
	}
	for _, p := range []string{"unix:", "unixs:"} {
		if strings.HasPrefix(ep, p) {
			return ep[len(p):]
		}
	}
	return ep
}
