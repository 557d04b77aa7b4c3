package lease

import "errors"

// Sentinel errors, with etcd's text.
var (
	ErrNotPrimary       = errors.New("not a primary lessor")
	ErrLeaseNotFound    = errors.New("lease not found")
	ErrLeaseExists      = errors.New("lease already exists")
	ErrLeaseTTLTooLarge = errors.New("too large lease TTL")
)

// MaxLeaseTTL is the largest TTL a lease may be granted, as etcd's.
const MaxLeaseTTL = 9000000000
