// Package rafthttp carries raft messages between our own members over
// HTTP/1.1 on the peer URLs.
//
// Each peer gets two long-lived streams (POST /raft/stream/msgapp for log
// appends, POST /raft/stream/message for everything else, so heartbeats and
// votes never wait behind large appends), each fed by a bounded queue and
// written by its own goroutine, reconnecting with backoff. A stream request
// asks to be upgraded (101 Switching Protocols, Upgrade:
// etcdgo-raft-stream/1); the connection then carries length-prefixed
// frames straight from the writer to the receiver's socket. A snapshot
// (raft message plus the backend database) travels on its own request,
// POST /raft/snapshot, and is saved as <index>.snap.db before raft sees it.
//
// Every request carries the sender's and receiver's member IDs and the
// cluster ID; a receiver refuses another cluster (412) and a removed member
// (410, which makes the sender stop).
//
// GET /raft/probing answers at once: each peer is probed every 4 seconds
// for the round trip time, one of etcd's peer metrics (metrics.go).
package rafthttp
