package version

import "testing"

func TestCluster(t *testing.T) {
	for in, want := range map[string]string{"3.7.3": "3.7", "3.7": "3.7", "3": "3", "3.5.0-rc.1": "3.5"} {
		if got := Cluster(in); got != want {
			t.Errorf("Cluster(%q) = %q, want %q", in, got, want)
		}
	}
	if APIVersion != "3.7" {
		t.Errorf("APIVersion = %q, want 3.7", APIVersion)
	}
}

func TestParseCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"3.7.3", "3.7.3", 0},
		{"3.6.0", "3.7.0", -1},
		{"3.10.0", "3.9.9", 1},
		{"3.7.3-rc.0", "3.7.2", 1},
	}
	for _, tt := range tests {
		a, err := Parse(tt.a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Parse(tt.b)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Compare(b); got != tt.want {
			t.Errorf("%s vs %s = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	for _, bad := range []string{"", "3.7", "a.b.c", "3.-1.0"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}
