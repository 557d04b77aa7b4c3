package refetcd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// BinaryEnv names a prebuilt server binary to use instead of building
// tests/cmd/etcd-ref.
const BinaryEnv = "ETCDGO_TEST_ETCD_BINARY"

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// testsModuleDir is the tests module's root, found from this file.
func testsModuleDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("refetcd: cannot locate source")
	}
	return filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
}

// ReferenceBinary returns the path of the real etcd server binary, built
// once per test process into a temporary directory (or $ETCDGO_TEST_ETCD_BINARY
// when set).
func ReferenceBinary() (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		return p, nil
	}
	buildOnce.Do(func() {
		var dir, mod string
		if mod, buildErr = testsModuleDir(); buildErr != nil {
			return
		}
		if dir, buildErr = os.MkdirTemp("", "etcd-ref-"); buildErr != nil {
			return
		}
		buildPath = filepath.Join(dir, "etcd-ref")
		cmd := exec.Command("go", "build", "-o", buildPath, "./cmd/etcd-ref")
		cmd.Dir = mod
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("refetcd: go build ./cmd/etcd-ref: %w\n%s", err, out)
		}
	})
	return buildPath, buildErr
}

// CleanupBinary removes the binaries ReferenceBinary and OurBinary built,
// if any; call it from TestMain after m.Run.
func CleanupBinary() {
	if buildPath != "" && os.Getenv(BinaryEnv) == "" {
		_ = os.RemoveAll(filepath.Dir(buildPath))
	}
	e2e.CleanupBinary()
}
