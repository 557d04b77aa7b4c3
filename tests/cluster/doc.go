// Package cluster tests multi-member clusters of our etcd binary with
// etcd's real client v3.7.3: failover, catch-up from the log and from a
// snapshot, membership changes, partitions, leader transfer.
package cluster
