// Package leasekeep keeps leases alive through etcd's client, each with a
// key attached, and checks after a disruption (a restart, a leader killed)
// that none of them expired. It imports etcd's client: tests that use our
// client's API packages must not import it.
package leasekeep
