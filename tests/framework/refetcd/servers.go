package refetcd

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// ServersEnv selects the servers a suite runs against: a comma-separated
// list of server names ("ours", "etcd"); unset or empty means all.
const ServersEnv = "ETCDGO_TEST_SERVERS"

// OurBinaryEnv names a prebuilt binary of our server to use instead of
// building ./server (the same variable tests/framework/e2e reads).
const OurBinaryEnv = "ETCDGO_E2E_BIN"

// Feature is a server capability that some tests need and that a server
// may not have yet.
type Feature string

// Features some server may lack (see Ours.Missing).
const (
	Auth       Feature = "Auth"
	Defragment Feature = "Defragment"
	Snapshot   Feature = "Snapshot"
	Alarm      Feature = "Alarm"
)

// Server is a kind of server binary a suite runs against.
type Server struct {
	// Name is short and stable; suites use it as a subtest name.
	Name string
	// Binary returns the binary's path, building it on first use.
	Binary func() (string, error)
	// Missing are the features the server does not implement yet. Tests
	// needing one skip on this server, and only on it.
	Missing []Feature
}

// Has reports whether the server implements f.
func (s Server) Has(f Feature) bool {
	for _, m := range s.Missing {
		if m == f {
			return false
		}
	}
	return true
}

// Start starts a cluster of this server's binary (opts.Binary is ignored).
func (s Server) Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := s.Binary()
	if err != nil {
		return nil, err
	}
	opts.Binary = bin
	return Start(ctx, opts)
}

// Etcd is the real etcd server (tests/cmd/etcd-ref, or
// $ETCDGO_TEST_ETCD_BINARY). It has every feature.
var Etcd = Server{Name: "etcd", Binary: ReferenceBinary}

// Ours is our server, built from the repository's ./server (or
// $ETCDGO_E2E_BIN). Remove a feature from Missing when the server gains
// it: the tests that need it then run against our server too.
var Ours = Server{
	Name:    "ours",
	Binary:  OurBinary,
	Missing: []Feature{Auth},
}

// Servers returns the servers selected by $ETCDGO_TEST_SERVERS, ours
// first; by default both.
func Servers() ([]Server, error) {
	all := []Server{Ours, Etcd}
	sel := strings.TrimSpace(os.Getenv(ServersEnv))
	if sel == "" {
		return all, nil
	}
	var out []Server
	for _, name := range strings.Split(sel, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, s := range all {
			if s.Name == name {
				out, found = append(out, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("refetcd: $%s names unknown server %q (want ours, etcd)", ServersEnv, name)
		}
	}
	return out, nil
}

// OurBinary returns the path of our server binary, built once per test
// process from ./server into a temporary directory (or $ETCDGO_E2E_BIN
// when set); the same binary tests/framework/e2e runs. CleanupBinary
// removes it.
func OurBinary() (string, error) { return e2e.OurBinary() }
