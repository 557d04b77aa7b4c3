package mvcc

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when goroutines started by the tests are left
// running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
