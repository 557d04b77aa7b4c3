// Package faultfs wraps a fileutil.FS (normally the real one) so tests can
// make operations fail and simulate a crash of the process or machine.
//
// Every file write is remembered, with the bytes it replaced, until the
// file is synced; every file creation and rename is remembered until its
// directory is synced. Crash then closes every file opened through the FS
// and rolls the disk back to what a crash could have left: all unsynced
// writes lost, a sector-aligned prefix of them kept (a torn write), or their
// bytes zeroed with the file size kept. Truncate and preallocate are taken
// as durable at once.
//
// An Injector sees each operation before it runs and may fail it.
package faultfs
