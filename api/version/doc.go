// Package version tells which etcd release's behaviour this project
// matches (what clients and tools parse to pick features) and, separately,
// this project's own release number.
package version
