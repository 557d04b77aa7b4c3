package ctl

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// srvEndpoints looks up the client endpoints a domain publishes as
// _etcd-client-ssl._tcp and _etcd-client._tcp SRV records (with
// "-<service>" appended when a service name is given).
func srvEndpoints(domain, service string) ([]string, error) {
	var eps []string
	lookup := func(name, scheme string) error {
		_, addrs, err := net.LookupSRV(name, "tcp", domain)
		if err != nil {
			return err
		}
		for _, srv := range addrs {
			host := strings.TrimSuffix(srv.Target, ".")
			u := url.URL{Scheme: scheme, Host: net.JoinHostPort(host, strconv.Itoa(int(srv.Port)))}
			eps = append(eps, u.String())
		}
		return nil
	}
	suffix := ""
	if service != "" {
		suffix = "-" + service
	}
	errHTTPS := lookup("etcd-client-ssl"+suffix, "https")
	errHTTP := lookup("etcd-client"+suffix, "http")
	if errHTTPS != nil && errHTTP != nil {
		return nil, fmt.Errorf("dns lookup errors: %s and %s", errHTTPS, errHTTP)
	}
	return eps, nil
}
