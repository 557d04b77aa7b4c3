// Package v3lock serves etcd's v3lockpb.Lock service. As in etcd, it is a
// client of the server itself: a lock is a key under the lock name with
// the caller's lease, held once every key of the name with a lower create
// revision is gone (client/v3/concurrency.Mutex).
package v3lock
