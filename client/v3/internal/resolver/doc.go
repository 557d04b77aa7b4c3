// Package resolver is the gRPC resolver a client dials through: it hands
// gRPC the client's current endpoint list, with the round_robin balancing
// policy, and pushes a new list whenever the client's endpoints change.
// Each client owns its own builder (passed with grpc.WithResolvers), so
// nothing is registered globally.
package resolver
