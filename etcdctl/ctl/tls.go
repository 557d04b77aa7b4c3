package ctl

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// tlsConfig builds the client's TLS configuration: nil for plain text
// (--insecure-transport with no certificate), else TLS with the given
// certificate, CA bundle and server name.
func (s *secureConfig) tlsConfig() (*tls.Config, error) {
	if s == nil {
		return nil, nil
	}
	var cfg *tls.Config
	if s.cert != "" || s.key != "" || s.cacert != "" || s.serverName != "" {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: s.serverName}
		if s.cert != "" || s.key != "" {
			if s.cert == "" || s.key == "" {
				return nil, fmt.Errorf("KeyFile and CertFile must both be present[key: %v, cert: %v]", s.key, s.cert)
			}
			pair, err := tls.LoadX509KeyPair(s.cert, s.key)
			if err != nil {
				return nil, err
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
		if s.cacert != "" {
			pem, err := os.ReadFile(s.cacert)
			if err != nil {
				return nil, err
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("failed to append certificates from %s", s.cacert)
			}
			cfg.RootCAs = pool
		}
	}
	if cfg == nil && !s.insecureTransport {
		cfg = &tls.Config{}
	}
	if s.insecureSkipVerify {
		if cfg == nil {
			cfg = &tls.Config{}
		}
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}
