// Package e2e builds our etcd binary and runs it as a subprocess for tests
// that talk to it over the network only (so that they may use etcd's own
// client without importing any of our API packages).
package e2e
