package namespace

import (
	"bytes"
	"testing"
)

func TestPrefixInterval(t *testing.T) {
	tests := []struct {
		name, pfx     string
		key, end      []byte
		wKey, wantEnd []byte
	}{
		{"single key", "pfx/", []byte("a"), nil, []byte("pfx/a"), nil},
		{"range", "pfx/", []byte("a"), []byte("b"), []byte("pfx/a"), []byte("pfx/b")},
		{"from key", "pfx/", []byte("a"), []byte{0}, []byte("pfx/a"), []byte("pfx0")},
		{"all keys", "pfx/", []byte{0}, []byte{0}, []byte("pfx/\x00"), []byte("pfx0")},
		{"0xff prefix", "\xff\xff", []byte("a"), []byte{0}, []byte("\xff\xffa"), []byte{0}},
		{"empty prefix", "", []byte("a"), []byte{0}, []byte("a"), []byte{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, e := prefixInterval(tt.pfx, tt.key, tt.end)
			if !bytes.Equal(k, tt.wKey) || !bytes.Equal(e, tt.wantEnd) {
				t.Fatalf("prefixInterval(%q, %q, %q) = %q, %q; want %q, %q", tt.pfx, tt.key, tt.end, k, e, tt.wKey, tt.wantEnd)
			}
		})
	}
}
