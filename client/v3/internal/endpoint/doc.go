// Package endpoint interprets the endpoint strings a client is configured
// with (host:port, http://host:port, https://…, unix:path, unixs:path) as
// a dial address, a TLS server name and whether TLS is required.
package endpoint
