// Package quota charges write requests against the backend size limit
// (--quota-backend-bytes) with etcd's cost model: a put costs its key and
// value plus 256 bytes of metadata, a txn the costlier of its branches, a
// lease grant 64 bytes; reads and deletes cost nothing.
package quota
