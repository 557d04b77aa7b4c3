package membership

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ComputeMemberID is etcd's member ID: the first 8 bytes (big endian) of
// the SHA-1 of the sorted peer URLs joined, the cluster token and, when now
// is given, its Unix time.
func ComputeMemberID(peerURLs []string, clusterToken string, now *time.Time) uint64 {
	urls := append([]string(nil), peerURLs...)
	sort.Strings(urls)
	b := []byte(strings.Join(urls, ""))
	b = append(b, clusterToken...)
	if now != nil {
		b = append(b, fmt.Sprintf("%d", now.Unix())...)
	}
	sum := sha1.Sum(b)
	return binary.BigEndian.Uint64(sum[:8])
}

// ComputeClusterID is etcd's cluster ID: the first 8 bytes of the SHA-1 of
// the sorted member IDs, each 8 bytes big endian.
func ComputeClusterID(memberIDs []uint64) uint64 {
	ids := append([]uint64(nil), memberIDs...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	b := make([]byte, 8*len(ids))
	for i, id := range ids {
		binary.BigEndian.PutUint64(b[8*i:], id)
	}
	sum := sha1.Sum(b)
	return binary.BigEndian.Uint64(sum[:8])
}
