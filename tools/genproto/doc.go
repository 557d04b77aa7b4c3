// Command genproto compiles the .proto sources of the api module and runs
// the pinned protoc plugins over them, with no system protoc.
//
// The compiler is github.com/bufbuild/protocompile; the plugins
// (protoc-gen-go, protoc-gen-go-grpc, protoc-gen-go-vtproto,
// protoc-gen-grpc-gateway) are the versions pinned by the tool directives
// of tools/go.mod and are run as `go tool NAME`, fed a
// CodeGeneratorRequest on stdin exactly as protoc would.
//
// Usage, from the repository root: go run ./tools/genproto -root api
package main
