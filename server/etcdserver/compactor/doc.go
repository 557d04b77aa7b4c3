// Package compactor runs etcd's automatic compaction: periodic (keep the
// revisions of the last retention period) and revision (keep the last
// retention revisions).
package compactor
