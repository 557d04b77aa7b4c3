// Package v3rpc is the gRPC boundary: it validates requests with etcd's
// errors before they reach raft, fills response headers, and converts the
// server's sentinel errors to gRPC status errors in one table.
package v3rpc
