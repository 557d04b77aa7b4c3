package metrics

import (
	"os"
	"testing"

	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

func TestMain(m *testing.M) {
	code := m.Run()
	refetcd.CleanupBinary()
	os.Exit(code)
}
