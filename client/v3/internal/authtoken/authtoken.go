package authtoken

import (
	"context"
	"sync"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
)

// Holder implements credentials.PerRPCCredentials with a token that can be
// swapped at any time.
type Holder struct {
	mu    sync.RWMutex
	token string
}

// Set replaces the token; an empty token sends none.
func (h *Holder) Set(token string) {
	h.mu.Lock()
	h.token = token
	h.mu.Unlock()
}

// Get returns the current token.
func (h *Holder) Get() string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.token
}

// GetRequestMetadata implements credentials.PerRPCCredentials.
func (h *Holder) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	tok := h.Get()
	if tok == "" {
		return nil, nil
	}
	return map[string]string{rpctypes.TokenFieldNameGRPC: tok}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials: etcd
// sends tokens over plain text too.
func (h *Holder) RequireTransportSecurity() bool { return false }
