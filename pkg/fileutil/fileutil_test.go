package fileutil

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirs(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	if err := CreateDirAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := CheckDirPermission(dir, PrivateDirMode); err != nil {
		t.Fatal(err)
	}
	if !DirEmpty(dir) {
		t.Fatal("not empty")
	}
	for _, n := range []string{"c.wal", "a.snap", "b.wal"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, PrivateFileMode); err != nil {
			t.Fatal(err)
		}
	}
	if err := CreateDirAll(dir); !errors.Is(err, ErrDirNotEmpty) {
		t.Fatalf("non-empty dir: %v", err)
	}
	if err := TouchDirAll(dir); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		opts []ReadDirOption
		want string
	}{
		{nil, "a.snap,b.wal,c.wal"},
		{[]ReadDirOption{WithExt(".wal")}, "b.wal,c.wal"},
		{[]ReadDirOption{WithExt(".db")}, ""},
	} {
		got, err := ReadDir(dir, tc.opts...)
		if err != nil || strings.Join(got, ",") != tc.want {
			t.Fatalf("ReadDir: %v %v, want %s", got, err, tc.want)
		}
	}
}

func TestPreallocateAndZeroToEnd(t *testing.T) {
	for _, extend := range []bool{true, false} {
		f, err := os.CreateTemp(t.TempDir(), "pre")
		if err != nil {
			t.Fatal(err)
		}
		if err := Preallocate(f, 1<<16, extend); err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if want := map[bool]int64{true: 1 << 16, false: 0}[extend]; fi.Size() != want {
			t.Fatalf("extend=%v: size %d, want %d", extend, fi.Size(), want)
		}
		f.Close()
	}
	f, err := os.CreateTemp(t.TempDir(), "zero")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte(strings.Repeat("x", 4096))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(100, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if err := ZeroToEnd(f); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(f.Name())
	if len(b) != 4096 || strings.Count(string(b), "x") != 100 {
		t.Fatalf("size %d, %d x", len(b), strings.Count(string(b), "x"))
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 100 {
		t.Fatalf("offset %d", off)
	}
	if err := Fdatasync(f); err != nil {
		t.Fatal(err)
	}
	if err := Fsync(f); err != nil {
		t.Fatal(err)
	}
}

func TestLocks(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lock")
	l, err := TryLockFile(p, os.O_WRONLY|os.O_CREATE, PrivateFileMode)
	if err != nil {
		t.Fatal(err)
	}
	// Another open file, even in this process, is excluded.
	if _, err := TryLockFile(p, os.O_WRONLY, PrivateFileMode); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		l2, err := LockFile(p, os.O_WRONLY, PrivateFileMode)
		if err == nil {
			l2.Close()
		}
		done <- err
	}()
	l.Close() // the waiter gets the lock
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestPurgeOnce(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"1.wal", "2.wal", "3.wal", "4.wal", "5.wal", "x.snap"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, PrivateFileMode); err != nil {
			t.Fatal(err)
		}
	}
	l, err := TryLockFile(filepath.Join(dir, "3.wal"), os.O_WRONLY, PrivateFileMode)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := PurgeOnce(dir, ".wal", 1)
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v %v", removed, err)
	}
	l.Close()
	removed, err = PurgeOnce(dir, ".wal", 1)
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v %v", removed, err)
	}
	names, _ := ReadDir(dir)
	if strings.Join(names, ",") != "5.wal,x.snap" {
		t.Fatalf("left %v", names)
	}
}

func TestOSFS(t *testing.T) {
	fs := OS()
	dir := filepath.Join(t.TempDir(), "d")
	if err := fs.MkdirAll(dir, PrivateDirMode); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "f")
	if err := WriteAndSyncFile(fs, p, []byte("hello"), PrivateFileMode); err != nil {
		t.Fatal(err)
	}
	if err := fs.Rename(p, p+"2"); err != nil {
		t.Fatal(err)
	}
	if err := SyncDir(fs, dir); err != nil {
		t.Fatal(err)
	}
	if !FileExist(fs, p+"2") || FileExist(fs, p) {
		t.Fatal("rename")
	}
	f, err := fs.TryLockFile(p+"2", os.O_RDWR, PrivateFileMode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.TryLockFile(p+"2", os.O_RDWR, PrivateFileMode); !errors.Is(err, ErrLocked) {
		t.Fatalf("lock: %v", err)
	}
	if err := f.Preallocate(100, true); err != nil {
		t.Fatal(err)
	}
	if err := f.Datasync(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := fs.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}
