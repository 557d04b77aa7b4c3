// Package deps guards the promises of the module layout: the client and
// etcdctl pull in nothing of the server, and every module of the workspace
// asks for one and the same version of each third-party dependency.
package deps
