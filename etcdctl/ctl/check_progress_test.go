//go:build linux

package ctl

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what is written to tty is read
// from master.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// TestProgressBar: check's progress bar is drawn on a terminal only, and
// not with -w json or protobuf.
func TestProgressBar(t *testing.T) {
	master, tty := openPTY(t)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()

	tests := []struct {
		name     string
		out, err io.Writer
		format   string
		drawn    bool
	}{
		{"terminal", tty, tty, "simple", true},
		{"terminal table", tty, tty, "table", true},
		{"terminal json", tty, tty, "json", false},
		{"terminal protobuf", tty, tty, "protobuf", false},
		{"stdout piped", pw, tty, "simple", false},
		{"stderr piped", tty, pw, "simple", false},
		{"buffers", &bytes.Buffer{}, &bytes.Buffer{}, "simple", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{Stdio: Stdio{Out: tt.out, Err: tt.err}}
			a.display = newPrinter(tt.format, false, tt.out, tt.err)
			if got := a.interactive(); got != tt.drawn {
				t.Fatalf("interactive() = %v, want %v", got, tt.drawn)
			}
			bar := a.newProgressBar(3)
			if (bar.bar != nil) != tt.drawn {
				t.Fatalf("bar drawn = %v, want %v", bar.bar != nil, tt.drawn)
			}
			bar.Add(3)
			bar.Finish()
			if !tt.drawn {
				return
			}
			// The last frame shows the bar full.
			var seen strings.Builder
			buf := make([]byte, 4096)
			for !strings.Contains(seen.String(), "3 / 3") {
				n, err := master.Read(buf)
				if err != nil {
					t.Fatalf("read terminal: %v (so far %q)", err, seen.String())
				}
				seen.Write(buf[:n])
			}
		})
	}
}
