package version

import (
	"fmt"
	"strconv"
	"strings"
)

var (
	// Version is the etcd release whose API and behaviour we match. Tools
	// and clients parse it (`etcd --version`, Status.version, /version).
	Version = "3.7.3"
	// MinClusterVersion is the oldest cluster version we can join.
	MinClusterVersion = "3.0.0"
	// APIVersion is Version's major.minor.
	APIVersion = Cluster(Version)
	// StorageVersion is the schema version of the data, written to the
	// backend's meta bucket and reported by Status and /version: etcd 3.7
	// uses its cluster version, major.minor.0.
	StorageVersion = APIVersion + ".0"

	// ProjectVersion is this project's own release number, set at build
	// time with -ldflags "-X github.com/etcdgo/etcd/api/v3/version.ProjectVersion=…".
	ProjectVersion = "0.1.0-dev"
	// GitSHA is set at build time.
	GitSHA = "Not provided (use make build instead of go build)"
)

// Versions is the body of the /version endpoint.
type Versions struct {
	Server  string `json:"etcdserver"`
	Cluster string `json:"etcdcluster"`
	Storage string `json:"storage"`
}

// Cluster keeps only major.minor of v.
func Cluster(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) <= 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// Semver is a major.minor.patch version.
type Semver struct {
	Major, Minor, Patch int64
}

// Parse reads "X.Y.Z" (a "-suffix" is ignored).
func Parse(v string) (Semver, error) {
	core, _, _ := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return Semver{}, fmt.Errorf("version: %q is not major.minor.patch", v)
	}
	var out [3]int64
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 {
			return Semver{}, fmt.Errorf("version: %q is not major.minor.patch", v)
		}
		out[i] = n
	}
	return Semver{out[0], out[1], out[2]}, nil
}

// Compare returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a Semver) Compare(b Semver) int {
	for _, d := range [...]int64{a.Major - b.Major, a.Minor - b.Minor, a.Patch - b.Patch} {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
	}
	return 0
}

func (a Semver) String() string { return fmt.Sprintf("%d.%d.%d", a.Major, a.Minor, a.Patch) }
