// Package lease is the seam between the apply layer and the lease
// subsystem. Until leases are implemented, NoLessor knows no leases: every
// lease ID other than 0 is reported as not found.
package lease
