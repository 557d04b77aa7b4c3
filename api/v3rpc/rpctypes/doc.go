// Package rpctypes holds the gRPC errors of the etcd v3 API, with etcd's
// codes and message strings (clients match on the text), the client-side
// mapping from a received status back to a comparable error, and the
// metadata keys clients and servers exchange.
package rpctypes
