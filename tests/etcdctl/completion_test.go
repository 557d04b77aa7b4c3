package etcdctl

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// bashFunc is the header of the function cobra's bash completion (v1)
// writes for each command: _etcdctl_<path with _ between words>().
var bashFunc = regexp.MustCompile(`^_etcdctl_(\S+)\(\)$`)

// bashCommands lists the command paths with a function in a bash
// completion script ("lease", "lease grant", …).
func bashCommands(script string) map[string]bool {
	cmds := map[string]bool{}
	for _, line := range strings.Split(script, "\n") {
		if m := bashFunc.FindStringSubmatch(line); m != nil && m[1] != "root_command" {
			cmds[strings.ReplaceAll(m[1], "_", " ")] = true
		}
	}
	return cmds
}

// withoutCommands drops from a bash completion script the functions of
// the commands in drop and their lines in their parent's commands list.
func withoutCommands(script string, drop map[string]bool) string {
	var out []string
	lines := strings.Split(script, "\n")
	parent := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := bashFunc.FindStringSubmatch(line); m != nil {
			parent = strings.ReplaceAll(m[1], "_", " ")
			if drop[parent] {
				// Skip through the closing brace and the blank line after.
				for i < len(lines) && lines[i] != "}" {
					i++
				}
				if i+1 < len(lines) && lines[i+1] == "" {
					i++
				}
				continue
			}
		}
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), `commands+=("`); ok {
			path := strings.TrimSuffix(name, `")`)
			if parent != "root command" {
				path = parent + " " + path
			}
			if drop[path] {
				continue
			}
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// explainBashCompletion accepts our bash completion when it is etcd's
// without some commands, and names them: top-level commands with their
// subcommands in parentheses.
func explainBashCompletion(want, got string) (string, bool) {
	have := bashCommands(got)
	missing := map[string]bool{}
	for c := range bashCommands(want) {
		if !have[c] {
			missing[c] = true
		}
	}
	if len(missing) == 0 || withoutCommands(want, missing) != got {
		return "", false
	}
	subs := map[string][]string{}
	var tops []string
	for c := range missing {
		top, sub, _ := strings.Cut(c, " ")
		if _, ok := subs[top]; !ok {
			tops = append(tops, top)
		}
		if sub != "" {
			subs[top] = append(subs[top], sub)
		} else if subs[top] == nil {
			subs[top] = []string{}
		}
	}
	sort.Strings(tops)
	var parts []string
	for _, top := range tops {
		sort.Strings(subs[top])
		if len(subs[top]) == 0 {
			parts = append(parts, top)
			continue
		}
		parts = append(parts, top+" ("+strings.Join(subs[top], ", ")+")")
	}
	return "missing commands: " + strings.Join(parts, ", "), true
}

// TestExplainBashCompletion: a script lacking commands is explained by
// them and only them.
func TestExplainBashCompletion(t *testing.T) {
	fn := func(name string, cmds ...string) string {
		s := "_etcdctl_" + name + "()\n{\n    last_command=\"etcdctl_" + name + "\"\n    commands=()\n"
		for _, c := range cmds {
			s += "    commands+=(\"" + c + "\")\n"
		}
		return s + "}\n\n"
	}
	etcd := "# bash completion\n" + fn("auth_enable") + fn("auth", "enable") + fn("get") + fn("lease_grant") + fn("lease_list") + fn("lease", "grant", "list") + fn("user") + fn("root_command", "auth", "get", "lease", "user") + "__start_etcdctl()\n{\n}\n"
	tests := []struct {
		name, got, why string
		ok             bool
	}{
		{"missing commands", "# bash completion\n" + fn("get") + fn("lease_grant") + fn("lease_list") + fn("lease", "grant", "list") + fn("root_command", "get", "lease") + "__start_etcdctl()\n{\n}\n",
			"missing commands: auth (enable), user", true},
		{"missing subcommand", "# bash completion\n" + fn("auth_enable") + fn("auth", "enable") + fn("get") + fn("lease_grant") + fn("lease", "grant") + fn("user") + fn("root_command", "auth", "get", "lease", "user") + "__start_etcdctl()\n{\n}\n",
			"missing commands: lease (list)", true},
		{"identical", etcd, "", false},
		{"missing and changed", "# bash completion!\n" + fn("get") + fn("lease_grant") + fn("lease_list") + fn("lease", "grant", "list") + fn("root_command", "get", "lease") + "__start_etcdctl()\n{\n}\n", "", false},
		{"missing but still listed", "# bash completion\n" + fn("get") + fn("lease_grant") + fn("lease_list") + fn("lease", "grant", "list") + fn("root_command", "auth", "get", "lease", "user") + "__start_etcdctl()\n{\n}\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, ok := explainBashCompletion(etcd, tt.got)
			if ok != tt.ok || why != tt.why {
				t.Fatalf("got %q %v, want %q %v", why, ok, tt.why, tt.ok)
			}
		})
	}
}
