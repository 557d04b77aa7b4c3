// Package errs holds the server's sentinel errors, with etcd's texts. The
// v3rpc boundary converts them to gRPC status errors in one table.
package errs
