// Package e2e drives our etcd binary, run as a subprocess, with etcd's own
// Go client (go.etcd.io/etcd/client/v3 v3.7.3). It must not import any of
// our API or server packages: etcd's and ours register the same protobuf
// names.
package e2e
