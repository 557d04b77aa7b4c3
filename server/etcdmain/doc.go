// Package etcdmain is the etcd command: flags with etcd's names, defaults
// and ETCD_* environment variables, --config-file, --version, and a thin
// run loop over package embed.
package etcdmain
