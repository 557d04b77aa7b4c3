// Package v3election serves etcd's v3electionpb.Election service. As in
// etcd, it is a client of the server itself (client/v3/concurrency
// Election): candidates are keys under the election name with their
// lease; the leader is the one with the lowest create revision.
package v3election
