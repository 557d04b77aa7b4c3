// Package fileutil holds small file-system helpers shared by the etcd
// modules: directory creation and checks, fsync/fdatasync, preallocation,
// advisory file locks that exclude other processes, sorted directory
// listings, purging of old files, and FS, a narrow interface over the file
// operations the durable stores use, so that tests can inject faults and
// crashes (see package faultfs).
//
// The package keeps no global state and depends only on the standard
// library.
package fileutil
