package deps

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/etcdgo/etcd/tests/v3/framework/e2e"
)

// forbidden matches packages a client-side module must never link.
var forbidden = regexp.MustCompile(`^(github\.com/etcdgo/etcd/(server|mvcc|raftwal|etcdutl)/v3|go\.etcd\.io/raft(/|$)|go\.etcd\.io/bbolt(/|$)|go\.etcd\.io/etcd/)`)

// TestClientSideModulesStayClientSide fails if client/v3 or etcdctl depend,
// even indirectly and even in their tests, on the server side.
func TestClientSideModulesStayClientSide(t *testing.T) {
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, mod := range []string{"client/v3", "etcdctl"} {
		t.Run(mod, func(t *testing.T) {
			cmd := exec.Command("go", "list", "-deps", "-test", "./...")
			cmd.Dir = filepath.Join(root, mod)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				if strings.Contains(stderr.String(), "matched no packages") {
					return
				}
				t.Fatalf("go list: %v\n%s", err, stderr.String())
			}
			var bad []string
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				if p := sc.Text(); forbidden.MatchString(p) {
					bad = append(bad, p)
				}
			}
			if len(bad) > 0 {
				t.Fatalf("%s depends on server-side packages:\n  %s", mod, strings.Join(bad, "\n  "))
			}
		})
	}
}

// TestOneVersionPerDependency fails if two modules of the workspace require
// different versions of one third-party module.
func TestOneVersionPerDependency(t *testing.T) {
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	mods, err := filepath.Glob(filepath.Join(root, "*", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(root, "*", "*", "go.mod"))
	mods = append(mods, more...)
	versions := map[string]map[string][]string{} // module path -> version -> requiring go.mod files
	for _, gomod := range mods {
		data, err := os.ReadFile(gomod)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, gomod)
		for path, ver := range requirements(string(data)) {
			if strings.HasPrefix(path, "github.com/etcdgo/etcd/") {
				continue
			}
			if versions[path] == nil {
				versions[path] = map[string][]string{}
			}
			versions[path][ver] = append(versions[path][ver], rel)
		}
	}
	var paths []string
	for p := range versions {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if len(versions[p]) > 1 {
			t.Errorf("%s is required at several versions: %v", p, versions[p])
		}
	}
}

var requireLine = regexp.MustCompile(`^\s*(?:require\s+)?([^\s()]+)\s+(v[^\s]+)`)

// requirements reads the require directives of a go.mod file.
func requirements(gomod string) map[string]string {
	out := map[string]string{}
	inBlock := false
	for _, line := range strings.Split(gomod, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "require ("):
			inBlock = true
			continue
		case inBlock && trimmed == ")":
			inBlock = false
			continue
		case !inBlock && !strings.HasPrefix(trimmed, "require "):
			continue
		}
		if m := requireLine.FindStringSubmatch(trimmed); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}
