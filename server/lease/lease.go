package lease

// NoLease is the lease ID of a key without a lease.
const NoLease int64 = 0

// Lessor is what the apply layer and the mvcc store need from leases.
type Lessor interface {
	// Exists reports whether the lease id is granted.
	Exists(id int64) bool
	// Attach records that key belongs to lease id.
	Attach(id int64, key string) error
	// Detach removes key from lease id.
	Detach(id int64, key string) error
	// GetLease returns the lease key belongs to, or NoLease.
	GetLease(key string) int64
}

// NoLessor is a Lessor without leases.
type NoLessor struct{}

// Exists implements Lessor.
func (NoLessor) Exists(int64) bool { return false }

// Attach implements Lessor.
func (NoLessor) Attach(int64, string) error { return nil }

// Detach implements Lessor.
func (NoLessor) Detach(int64, string) error { return nil }

// GetLease implements Lessor.
func (NoLessor) GetLease(string) int64 { return NoLease }
