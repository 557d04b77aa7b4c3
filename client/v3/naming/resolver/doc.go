// Package resolver is a gRPC resolver over the endpoints registered with
// package endpoints. Dial "etcd:///<target>" with the builder:
//
//	b, _ := resolver.NewBuilder(cli)
//	conn, _ := grpc.NewClient("etcd:///my-service", grpc.WithResolvers(b), …)
package resolver
