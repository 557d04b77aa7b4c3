package authpb

// Short names etcd's API has kept for the permission types.
const (
	// Deprecated: use Permission_READ.
	READ = Permission_READ
	// Deprecated: use Permission_WRITE.
	WRITE = Permission_WRITE
	// Deprecated: use Permission_READWRITE.
	READWRITE = Permission_READWRITE
)
