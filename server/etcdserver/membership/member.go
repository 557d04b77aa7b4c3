package membership

import (
	"encoding/json"
	"fmt"
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
