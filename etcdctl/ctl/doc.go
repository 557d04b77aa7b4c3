// Package ctl holds etcdctl's command tree: the global flags and ETCDCTL_*
// variables, one file per command, and the printers behind --write-out
// (simple, json, protobuf, fields, table).
//
// Commands, flags, output bytes, error texts and exit codes follow etcd's
// etcdctl v3.7. A command never calls os.Exit: it returns an *exitError
// carrying etcd's exit code, and Main prints "Error: …" and returns the code.
//
// Commands that come later (auth, user, role, downgrade) register in
// commands.go next to the others.
package ctl
