package backend

import "encoding/binary"

// Bucket names a bbolt bucket. ID is a small dense number used to index
// in-memory buffers; Name is the bbolt bucket name on disk.
type Bucket struct {
	ID   uint8
	Name []byte
}

func (b Bucket) String() string { return string(b.Name) }

// etcd's buckets, with etcd's on-disk names.
var (
	Key            = Bucket{ID: 1, Name: []byte("key")}
	Meta           = Bucket{ID: 2, Name: []byte("meta")}
	Lease          = Bucket{ID: 3, Name: []byte("lease")}
	Alarm          = Bucket{ID: 4, Name: []byte("alarm")}
	Cluster        = Bucket{ID: 5, Name: []byte("cluster")}
	Members        = Bucket{ID: 10, Name: []byte("members")}
	MembersRemoved = Bucket{ID: 11, Name: []byte("members_removed")}
	Auth           = Bucket{ID: 20, Name: []byte("auth")}
	AuthUsers      = Bucket{ID: 21, Name: []byte("authUsers")}
	AuthRoles      = Bucket{ID: 22, Name: []byte("authRoles")}
	Test           = Bucket{ID: 100, Name: []byte("test")}

	// AllBuckets lists the buckets an etcd data file may hold.
	AllBuckets = []Bucket{Key, Meta, Lease, Alarm, Cluster, Members, MembersRemoved, Auth, AuthUsers, AuthRoles}
)

// Keys of the meta bucket, with etcd's names.
var (
	MetaConsistentIndexKey = []byte("consistent_index")
	MetaTermKey            = []byte("term")
	MetaConfStateKey       = []byte("confState")
	MetaStorageVersionKey  = []byte("storageVersion")
	ScheduledCompactKey    = []byte("scheduledCompactRev")
	FinishedCompactKey     = []byte("finishedCompactRev")
)

// UnsafeReadConsistentIndex returns the consistent index and term stored in
// the meta bucket (both 8-byte big-endian), or zeros.
func UnsafeReadConsistentIndex(r UnsafeReader) (index, term uint64) {
	_, vs := r.UnsafeRange(Meta, MetaConsistentIndexKey, nil, 0)
	if len(vs) == 0 || len(vs[0]) != 8 {
		return 0, 0
	}
	index = binary.BigEndian.Uint64(vs[0])
	_, ts := r.UnsafeRange(Meta, MetaTermKey, nil, 0)
	if len(ts) == 1 && len(ts[0]) == 8 {
		term = binary.BigEndian.Uint64(ts[0])
	}
	return index, term
}

// UnsafeWriteConsistentIndex stores index and term as etcd does: index 0 is
// never written, term only when positive. Call it from a pre-commit hook.
func UnsafeWriteConsistentIndex(w UnsafeWriter, index, term uint64) {
	if index == 0 {
		return
	}
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, index)
	w.UnsafePut(Meta, MetaConsistentIndexKey, b)
	if term > 0 {
		t := make([]byte, 8)
		binary.BigEndian.PutUint64(t, term)
		w.UnsafePut(Meta, MetaTermKey, t)
	}
}

// DefaultHashIgnores skips the meta keys that differ between members of a
// healthy cluster (etcd's schema.DefaultIgnores).
func DefaultHashIgnores(bucket, key []byte) bool {
	if string(bucket) != string(Meta.Name) {
		return false
	}
	k := string(key)
	return k == string(MetaTermKey) || k == string(MetaConsistentIndexKey) || k == string(MetaStorageVersionKey)
}
