// Package promtest reads metric values out of a Prometheus gatherer for
// the server's tests.
package promtest
