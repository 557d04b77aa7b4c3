package membership

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Member is a cluster member, in the JSON form etcd puts in the context of
// the bootstrap conf-change entries and in the members bucket.
type Member struct {
	ID         uint64   `json:"id"`
	PeerURLs   []string `json:"peerURLs"`
	IsLearner  bool     `json:"isLearner,omitempty"`
	Name       string   `json:"name,omitempty"`
	ClientURLs []string `json:"clientURLs,omitempty"`
}

// StoreKey is the key of m in the members bucket (hex ID, as etcd's).
func (m *Member) StoreKey() []byte { return []byte(fmt.Sprintf("%x", m.ID)) }

// RaftAttributesJSON is the value etcd stores in the members bucket.
func (m *Member) RaftAttributesJSON() []byte {
	b, _ := json.Marshal(struct {
		PeerURLs  []string `json:"peerURLs"`
		IsLearner bool     `json:"isLearner,omitempty"`
	}{m.PeerURLs, m.IsLearner})
	return b
}

// IsStarted tells whether the member has published its name (etcd counts
// such members as started).
func (m *Member) IsStarted() bool { return m.Name != "" }

// Clone is a deep copy of m.
func (m *Member) Clone() *Member {
	c := *m
	c.PeerURLs = append([]string(nil), m.PeerURLs...)
	c.ClientURLs = append([]string(nil), m.ClientURLs...)
	return &c
}

// ConfigChangeContext is the JSON context of an add-node conf change, as
// etcd's: the member, and whether the change promotes a learner.
type ConfigChangeContext struct {
	Member
	IsPromote bool `json:"isPromote"`
}

// NewMember is a member added at runtime: its ID hashes the peer URLs, the
// cluster token (empty for MemberAdd) and now, as etcd's.
func NewMember(name string, peerURLs []string, clusterToken string, now *time.Time, learner bool) *Member {
	urls := append([]string(nil), peerURLs...)
	sort.Strings(urls)
	return &Member{ID: ComputeMemberID(urls, clusterToken, now), Name: name, PeerURLs: urls, IsLearner: learner}
}

// ContextJSON is the conf-change context of m.
func (m *Member) ContextJSON() []byte {
	b, _ := json.Marshal(m)
	return b
}

// ParseInitialCluster reads "name=url,name=url"; it returns, per name, the
// peer URLs in order of appearance.
func ParseInitialCluster(s string) (map[string][]string, error) {
	out := map[string][]string{}
	if s == "" {
		return out, nil
	}
	for _, part := range splitComma(s) {
		name, url, ok := cut(part, "=")
		if !ok || name == "" || url == "" {
			return nil, fmt.Errorf("invalid value %q for initial-cluster: expected name=url", part)
		}
		out[name] = append(out[name], url)
	}
	return out, nil
}
