// Package membership computes member and cluster IDs exactly as etcd does
// and keeps the member list of the cluster.
package membership
