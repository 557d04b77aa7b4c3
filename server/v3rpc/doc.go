// Package v3rpc is the gRPC boundary: it validates requests with etcd's
// errors before they reach raft, fills response headers, and converts the
// server's sentinel errors to gRPC status errors in one table.
//
// metrics.go counts RPCs as etcd does (go-grpc-prometheus's grpc_server_*
// counters, the client bytes and client API versions) on
// Config.Registerer.
package v3rpc
