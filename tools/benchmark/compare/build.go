package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// refVersion is the etcd release we compare with.
const refVersion = "v3.7.3"

const refMain = `// Command etcd-ref is a reference etcd server, built by compare.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
`

// buildReference builds etcd's server at refVersion in dir (outside the
// repository) and returns the binary's path.
func buildReference(ctx context.Context, dir string, logf func(string, ...any)) (string, error) {
	src := filepath.Join(dir, "etcd-ref")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	gomod := "module etcdref\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 " + refVersion + "\n"
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(gomod), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(refMain), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "etcd-ref-bin")
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	logf("building etcd %s from the module proxy in %s", refVersion, src)
	if err := run(ctx, src, env, "go", "mod", "tidy"); err != nil {
		return "", err
	}
	if err := run(ctx, src, env, "go", "build", "-o", bin, "."); err != nil {
		return "", err
	}
	return bin, nil
}

// buildOurs builds the repository's server into repo/bin/etcd.
func buildOurs(ctx context.Context, repo string, logf func(string, ...any)) (string, error) {
	bin := filepath.Join(repo, "bin", "etcd")
	logf("building our server: go build -o bin/etcd ./server (in %s)", repo)
	if err := run(ctx, repo, os.Environ(), "go", "build", "-o", bin, "./server"); err != nil {
		return "", err
	}
	return bin, nil
}

func run(ctx context.Context, dir string, env []string, name string, args ...string) error {
	c := exec.CommandContext(ctx, name, args...)
	c.Dir, c.Env = dir, env
	out, err := c.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// repoRoot finds the workspace root (the directory of go.work) from dir
// upwards.
func repoRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.work above %s: run from the repository or pass -repo", dir)
		}
	}
}
