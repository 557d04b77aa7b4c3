package membership

import "strings"

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func cut(s, sep string) (string, string, bool) {
	a, b, ok := strings.Cut(s, sep)
	return strings.TrimSpace(a), strings.TrimSpace(b), ok
}
