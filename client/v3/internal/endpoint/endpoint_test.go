package endpoint

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		ep   string
		want Parsed
	}{
		{"127.0.0.1:2379", Parsed{"127.0.0.1:2379", "127.0.0.1:2379", CredsOptional}},
		{"localhost:2379", Parsed{"localhost:2379", "localhost:2379", CredsOptional}},
		{"http://127.0.0.1:2379", Parsed{"127.0.0.1:2379", "127.0.0.1:2379", CredsDrop}},
		{"https://example.com:2379", Parsed{"example.com:2379", "example.com:2379", CredsRequire}},
		{"unix:///tmp/abc", Parsed{"unix:///tmp/abc", "abc", CredsOptional}},
		{"unixs:///tmp/abc", Parsed{"unix:///tmp/abc", "abc", CredsRequire}},
		{"unix://tmp/abc", Parsed{"unix:tmp/abc", "abc", CredsOptional}},
		{"unix:abc", Parsed{"unix:abc", "abc", CredsOptional}},
		{"unixs:abc:1", Parsed{"unix:abc:1", "abc:1", CredsRequire}},
		{"dns://host:1", Parsed{"dns://host:1", "host:1", CredsOptional}},
	}
	for _, tt := range tests {
		t.Run(tt.ep, func(t *testing.T) {
			if got := Parse(tt.ep); got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.ep, got, tt.want)
			}
		})
	}
}

func TestAuthority(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:2379":        "127.0.0.1:2379",
		"http://127.0.0.1:2379": "127.0.0.1:2379",
		"unix:abc":              "abc",
		"unixs:abc":             "abc",
		"unix:///tmp/x":         "/tmp/x",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := Authority(in); got != want {
				t.Fatalf("Authority(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
