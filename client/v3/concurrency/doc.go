// Package concurrency implements concurrency operations on top of etcd,
// compatible with go.etcd.io/etcd/client/v3/concurrency: sessions (a lease
// kept alive), distributed mutexes, leader elections and software
// transactional memory. Keys are laid out as etcd's package lays them
// out (prefix + "/" + hex lease ID), so that programs using either client
// can share locks and elections.
package concurrency
