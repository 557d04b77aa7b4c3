// Package naming provides service discovery over etcd: package endpoints
// registers and lists service endpoints under a target prefix, and
// package resolver is a gRPC resolver ("etcd:///<target>") over them.
// The stored format is etcd's, so that services registered with either
// client are found by both.
package naming
