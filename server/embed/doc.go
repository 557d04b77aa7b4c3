// Package embed starts and stops an etcd server in-process from a Config
// with the same fields as the etcd command's flags. The etcd binary is a
// thin shell over it. Each member has its own prometheus registry, served
// on /metrics of every client listener.
package embed
