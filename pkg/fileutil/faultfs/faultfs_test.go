package faultfs

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/etcdgo/etcd/pkg/v3/fileutil"
)

func TestCrashRollsBackUnsynced(t *testing.T) {
	synced := bytes.Repeat([]byte("s"), 1000)
	unsynced := bytes.Repeat([]byte("u"), 2000)
	for _, tc := range []struct {
		name  string
		crash Crash
		want  func() []byte
	}{
		{"drop", Crash{}, func() []byte { return synced }},
		{"keep all", Crash{KeepSectors: -1}, func() []byte { return append(append([]byte{}, synced...), unsynced...) }},
		{"keep 1 sector", Crash{KeepSectors: 1}, func() []byte {
			// The first unsynced sector starts at 512 (holding synced
			// bytes up to 1000): it ends at 1024.
			return append(append([]byte{}, synced...), unsynced[:24]...)
		}},
		{"zero", Crash{Zero: true}, func() []byte { return append(append([]byte{}, synced...), make([]byte, 2000)...) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := New(nil)
			p := filepath.Join(t.TempDir(), "f")
			f, err := fs.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(synced)
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			if err := fileutil.SyncDir(fs, filepath.Dir(p)); err != nil {
				t.Fatal(err)
			}
			f.Write(unsynced)
			if err := fs.Crash(tc.crash); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write([]byte("x")); !errors.Is(err, ErrCrashed) {
				t.Fatalf("write after crash: %v", err)
			}
			got, _ := os.ReadFile(p)
			if !bytes.Equal(got, tc.want()) {
				t.Fatalf("got %d bytes, want %d", len(got), len(tc.want()))
			}
		})
	}
}

func TestCrashUndoesUnsyncedDirEntries(t *testing.T) {
	fs := New(nil)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	f, _ := fs.OpenFile(a, os.O_WRONLY|os.O_CREATE, 0o600)
	f.Write([]byte("data"))
	f.Sync()
	if err := fs.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	fs.Crash(Crash{})
	if fileutil.Exist(a) || fileutil.Exist(b) {
		t.Fatal("unsynced create survived")
	}

	f, _ = fs.OpenFile(a, os.O_WRONLY|os.O_CREATE, 0o600)
	f.Write([]byte("data"))
	f.Sync()
	fileutil.SyncDir(fs, dir)
	fs.Rename(a, b)
	fs.Crash(Crash{})
	if !fileutil.Exist(a) || fileutil.Exist(b) {
		t.Fatal("unsynced rename survived")
	}
}

func TestInjector(t *testing.T) {
	fs := New(nil)
	fs.SetInjector(func(op Op, _ string) error {
		if op == OpSync {
			return ErrInjected
		}
		return nil
	})
	f, err := fs.OpenFile(filepath.Join(t.TempDir(), "f"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := f.Datasync(); !errors.Is(err, ErrInjected) {
		t.Fatalf("sync: %v", err)
	}
	if fs.Count(OpSync) != 1 || fs.Count(OpWrite) != 1 {
		t.Fatalf("counts %d %d", fs.Count(OpSync), fs.Count(OpWrite))
	}
	if OpSync.String() != "sync" {
		t.Fatal(OpSync.String())
	}
}
