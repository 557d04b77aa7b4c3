// Package codec is a gRPC codec for the etcd API messages that uses the
// generated vtprotobuf marshallers (no reflection) and falls back to
// google.golang.org/protobuf for any other message.
//
// It is not registered globally: a server passes
// grpc.ForceServerCodecV2(codec.Codec{}) and a client
// grpc.WithDefaultCallOptions(grpc.ForceCodecV2(codec.Codec{})). It speaks
// the ordinary protobuf wire format under the name "proto", so either side
// may use it alone.
package codec
