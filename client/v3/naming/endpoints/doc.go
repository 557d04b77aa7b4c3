// Package endpoints manages a service's endpoints in etcd: each endpoint
// is a key "<target>/<name>" holding the JSON {"Op":0,"Addr":…,"Metadata":…},
// as etcd's naming/endpoints stores it.
package endpoints
