package ctl

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// askPassword prompts on stdout and reads a line from stdin, without echo
// when stdin is a terminal.
func (a *app) askPassword(prompt string) (string, error) {
	fmt.Fprint(a.Out, prompt)
	if f, ok := a.In.(*os.File); ok {
		fd := int(f.Fd())
		if old, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
			noEcho := *old
			noEcho.Lflag &^= unix.ECHO
			if err := unix.IoctlSetTermios(fd, unix.TCSETS, &noEcho); err == nil {
				defer func() {
					_ = unix.IoctlSetTermios(fd, unix.TCSETS, old)
					fmt.Fprintln(a.Out)
				}()
			}
		}
	}
	line, err := bufio.NewReader(a.In).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
