package membership

import "testing"

func TestComputeIDs(t *testing.T) {
	// IDs of `etcd` started without flags (verified against etcd 3.x:
	// member 8e9e05c52164694d in cluster cdf818194e3a8c32).
	tests := []struct {
		name   string
		urls   []string
		token  string
		member uint64
		cid    uint64
	}{
		{"default", []string{"http://localhost:2380"}, "etcd-cluster", 0x8e9e05c52164694d, 0xcdf818194e3a8c32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := ComputeMemberID(tt.urls, tt.token, nil)
			if id != tt.member {
				t.Fatalf("member ID %x, want %x", id, tt.member)
			}
			if cid := ComputeClusterID([]uint64{id}); cid != tt.cid {
				t.Fatalf("cluster ID %x, want %x", cid, tt.cid)
			}
		})
	}
}
