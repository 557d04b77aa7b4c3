package rpctypes

// Metadata keys and values carried on gRPC calls.
var (
	// MetadataRequireLeaderKey asks the server to fail the call when it has
	// no leader; its value is MetadataHasLeader.
	MetadataRequireLeaderKey = "hasleader"
	MetadataHasLeader        = "true"

	// MetadataClientAPIVersionKey carries the client's API version.
	MetadataClientAPIVersionKey = "client-api-version"

	// TokenFieldNameGRPC is the metadata key of the auth token over gRPC,
	// TokenFieldNameSwagger its header over the HTTP gateway.
	TokenFieldNameGRPC    = "token"
	TokenFieldNameSwagger = "authorization"
)

// TokenFieldNameGRPCKey is the context key under which a token is stored.
type TokenFieldNameGRPCKey struct{}
