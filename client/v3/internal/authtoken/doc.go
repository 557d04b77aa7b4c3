// Package authtoken holds the auth token a client attaches to every call
// (gRPC metadata key "token"), replaceable while calls are in flight.
package authtoken
