package ctl

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// addGlobalFlags declares etcdctl's global flags, with etcd's names,
// defaults and help texts.
func addGlobalFlags(fs *pflag.FlagSet) {
	fs.StringSlice("endpoints", []string{"127.0.0.1:2379"}, "gRPC endpoints")
	fs.Bool("debug", false, "enable client-side debug logging")
	fs.StringP("write-out", "w", "simple", "set the output format (fields, json, protobuf, simple, table)")
	fs.Bool("hex", false, "print byte strings as hex encoded strings")
	fs.Duration("dial-timeout", defaultDialTimeout, "dial timeout for client connections")
	fs.Duration("command-timeout", defaultCommandTimeout, "timeout for short running command (excluding dial timeout)")
	fs.Duration("keepalive-time", defaultKeepAliveTime, "keepalive time for client connections")
	fs.Duration("keepalive-timeout", defaultKeepAliveTimeout, "keepalive timeout for client connections")
	fs.Int("max-request-bytes", 0, "client-side request send limit in bytes (if 0, it defaults to 2.0 MiB (2 * 1024 * 1024).)")
	fs.Int("max-recv-bytes", 0, "client-side response receive limit in bytes (if 0, it defaults to \"math.MaxInt32\")")
	fs.Bool("insecure-transport", true, "disable transport security for client connections")
	fs.Bool("insecure-discovery", true, "accept insecure SRV records describing cluster endpoints")
	fs.Bool("insecure-skip-tls-verify", false, "skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)")
	fs.String("cert", "", "identify secure client using this TLS certificate file")
	fs.String("key", "", "identify secure client using this TLS key file")
	fs.String("cacert", "", "verify certificates of TLS-enabled secure servers using this CA bundle")
	fs.String("auth-jwt-token", "", "JWT token used for authentication (if this option is used, --user and --password should not be set)")
	fs.String("user", "", "username[:password] for authentication (prompt if password is not supplied)")
	fs.String("password", "", "password for authentication (if this option is used, --user option shouldn't include password)")
	fs.StringP("discovery-srv", "d", "", "domain name to query for SRV records describing cluster endpoints")
	fs.String("discovery-srv-name", "", "service name to query when using DNS discovery")
}

// secureConfig is the transport part of a client configuration.
type secureConfig struct {
	cert, key, cacert  string
	serverName         string
	insecureTransport  bool
	insecureSkipVerify bool
}

// authConfig is the credentials part of a client configuration.
type authConfig struct {
	username, password, token string
}

// clientSpec is everything a client needs, read from the flags once.
type clientSpec struct {
	endpoints          []string
	dialTimeout        time.Duration
	keepAliveTime      time.Duration
	keepAliveTimeout   time.Duration
	maxCallSendMsgSize int
	maxCallRecvMsgSize int
	secure             *secureConfig
	auth               *authConfig
}

// withEndpoints returns a copy of s talking to eps.
func (s *clientSpec) withEndpoints(eps ...string) *clientSpec {
	c := *s
	c.endpoints = eps
	return &c
}

// clientSpecFromCmd applies ETCDCTL_* variables, reads the global flags and
// selects the printer, as etcdctl does before it dials.
func (a *app) clientSpecFromCmd(cmd *cobra.Command) (*clientSpec, error) {
	fs := cmd.InheritedFlags()
	if strings.HasPrefix(cmd.Use, "watch") {
		// ETCDCTL_WATCH_KEY and ETCDCTL_WATCH_RANGE_END belong to watch.
		fs.AddFlag(&pflag.Flag{Name: "watch-key", Value: discardValue{}})
		fs.AddFlag(&pflag.Flag{Name: "watch-range-end", Value: discardValue{}})
	}
	if !a.envDone {
		if err := a.applyEnv("ETCDCTL", fs); err != nil {
			return nil, err
		}
		a.envDone = true
	}
	flags := cmd.Flags()
	if debug, _ := flags.GetBool("debug"); debug {
		enableGRPCDebugLog(a.Err)
		fs.VisitAll(func(f *pflag.Flag) {
			fmt.Fprintf(a.Err, "%s=%v\n", flagToEnv("ETCDCTL", f.Name), f.Value)
		})
	}

	s := &clientSpec{}
	var err error
	if s.endpoints, err = a.endpointsFromCmd(cmd); err != nil {
		return nil, exitErr(ExitError, err)
	}
	s.dialTimeout, _ = flags.GetDuration("dial-timeout")
	s.keepAliveTime, _ = flags.GetDuration("keepalive-time")
	s.keepAliveTimeout, _ = flags.GetDuration("keepalive-timeout")
	s.maxCallSendMsgSize, _ = flags.GetInt("max-request-bytes")
	s.maxCallRecvMsgSize, _ = flags.GetInt("max-recv-bytes")
	if s.secure, err = secureFromCmd(cmd); err != nil {
		return nil, err
	}
	if s.auth, err = a.authFromCmd(cmd); err != nil {
		return nil, err
	}
	if err := a.initDisplay(cmd); err != nil {
		return nil, err
	}
	return s, nil
}

// initDisplay picks the printer for --write-out and --hex.
func (a *app) initDisplay(cmd *cobra.Command) error {
	isHex, _ := cmd.Flags().GetBool("hex")
	format, _ := cmd.Flags().GetString("write-out")
	p := newPrinter(format, isHex, a.Out, a.Err)
	if p == nil {
		return exitErr(ExitBadFeature, errors.New("unsupported output format"))
	}
	a.display = p
	return nil
}

// newClient reads the flags and dials.
func (a *app) newClient(cmd *cobra.Command) (*clientv3.Client, error) {
	spec, err := a.clientSpecFromCmd(cmd)
	if err != nil {
		return nil, err
	}
	return spec.dial()
}

// config turns s into the client's Config.
func (s *clientSpec) config() (*clientv3.Config, error) {
	tlsCfg, err := s.secure.tlsConfig()
	if err != nil {
		return nil, err
	}
	cfg := &clientv3.Config{
		Endpoints:            s.endpoints,
		DialTimeout:          s.dialTimeout,
		DialKeepAliveTime:    s.keepAliveTime,
		DialKeepAliveTimeout: s.keepAliveTimeout,
		MaxCallSendMsgSize:   s.maxCallSendMsgSize,
		MaxCallRecvMsgSize:   s.maxCallRecvMsgSize,
		TLS:                  tlsCfg,
	}
	if s.auth != nil {
		cfg.Username, cfg.Password, cfg.Token = s.auth.username, s.auth.password, s.auth.token
	}
	return cfg, nil
}

// dial creates a client: a bad configuration exits with ExitBadArgs, a
// failed dial with ExitBadConnection.
func (s *clientSpec) dial() (*clientv3.Client, error) {
	cfg, err := s.config()
	if err != nil {
		return nil, exitErr(ExitBadArgs, err)
	}
	c, err := clientv3.New(*cfg)
	if err != nil {
		return nil, exitErr(ExitBadConnection, err)
	}
	return c, nil
}

func secureFromCmd(cmd *cobra.Command) (*secureConfig, error) {
	flags := cmd.Flags()
	s := &secureConfig{}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"cert", &s.cert}, {"key", &s.key}, {"cacert", &s.cacert}} {
		*f.dst, _ = flags.GetString(f.name)
		if *f.dst == "" && flags.Changed(f.name) {
			return nil, exitf(ExitBadArgs, "empty string is passed to --%s option", f.name)
		}
	}
	s.insecureTransport, _ = flags.GetBool("insecure-transport")
	s.insecureSkipVerify, _ = flags.GetBool("insecure-skip-tls-verify")
	domain, _ := flags.GetString("discovery-srv")
	if insecureDiscovery, _ := flags.GetBool("insecure-discovery"); !insecureDiscovery {
		s.serverName = domain
	}
	return s, nil
}

func (a *app) authFromCmd(cmd *cobra.Command) (*authConfig, error) {
	flags := cmd.Flags()
	user, _ := flags.GetString("user")
	password, _ := flags.GetString("password")
	token, _ := flags.GetString("auth-jwt-token")
	if user == "" && token == "" {
		return nil, nil
	}
	if token != "" {
		return &authConfig{token: token}, nil
	}
	if password != "" {
		return &authConfig{username: user, password: password}, nil
	}
	if name, pw, ok := strings.Cut(user, ":"); ok {
		return &authConfig{username: name, password: pw}, nil
	}
	pw, err := a.askPassword("Password: ")
	if err != nil {
		return nil, exitErr(ExitError, err)
	}
	return &authConfig{username: user, password: pw}, nil
}

// endpointsFromCmd returns the endpoints found by --discovery-srv, or else
// --endpoints.
func (a *app) endpointsFromCmd(cmd *cobra.Command) ([]string, error) {
	flags := cmd.Flags()
	domain, _ := flags.GetString("discovery-srv")
	if domain != "" {
		service, _ := flags.GetString("discovery-srv-name")
		insecure, _ := flags.GetBool("insecure-discovery")
		eps, err := srvEndpoints(domain, service)
		if err != nil {
			return nil, err
		}
		if !insecure {
			var secure []string
			for _, ep := range eps {
				if strings.HasPrefix(ep, "http://") {
					fmt.Fprintf(a.Err, "ignoring discovered insecure endpoint %q\n", ep)
					continue
				}
				secure = append(secure, ep)
			}
			eps = secure
		}
		if len(eps) > 0 {
			return eps, nil
		}
	}
	eps, err := flags.GetStringSlice("endpoints")
	if err != nil {
		return nil, err
	}
	for i := range eps {
		eps[i] = strings.TrimSpace(eps[i])
	}
	return eps, nil
}

// discardValue swallows a variable that is not a flag.
type discardValue struct{}

func (discardValue) String() string   { return "" }
func (discardValue) Set(string) error { return nil }
func (discardValue) Type() string     { return "" }
