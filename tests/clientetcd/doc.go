// Package clientetcd is the tests/client suite compiled against etcd's
// real client, go.etcd.io/etcd/client/v3 v3.7.3 (with its concurrency,
// namespace and naming packages, and go.etcd.io/etcd/api/v3 for
// rpctypes, mvccpb and etcdserverpb), run like tests/client against our
// server and real etcd (subtests "ours" and "etcd"; see tests/client for
// the servers, their environment variables and the skips on our server).
//
// The *_test.go files that start with "Code generated" are copies of
// tests/client/*_test.go with the import paths rewritten, written by
// ./gen: edit tests/client, then
//
//	go generate ./tests/clientetcd
//
// (gen's TestGeneratedUpToDate fails when the copy is stale). The
// hand-written files are this one and flavor_test.go.
//
// Not copied (their header holds //clientetcd:exclude):
//   - downstream_test.go: checks that our client's module pulls no server
//     code, a property of our module graph, not of a client's behaviour.
//   - flavor_test.go: sets etcdClient, false there and true here, which
//     the shared tests consult only where etcd's client differs by
//     design. One place does: TestWatchResumesBeforeFirstEvent accepts,
//     in this build only, the event at the watch's creation revision
//     being delivered on resume (etcd's client resumes a watch that has
//     seen no event from its creation revision; ours from the one after).
//
// This package imports etcd's client and api only: a test binary must
// never link both etcd's api packages and ours (they register the same
// protobuf names); gen's TestNoMixedAPIs checks both suites.
package clientetcd

//go:generate go run ./gen
