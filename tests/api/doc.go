// Package api checks that our API module is wire-identical to etcd's:
// every file, message, field, enum and service etcd v3.7 registers has the
// same name, number, type and cardinality here, populated messages survive
// a round trip through etcd's generated code, and the rpctypes errors carry
// etcd's codes and texts.
//
// etcd's generated packages register the same protobuf full names as ours,
// and protobuf-go refuses two registrations of one name in a binary, so
// etcd's side runs in a separate process: the etcddesc program.
package api
