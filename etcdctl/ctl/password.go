package ctl

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// askPassword prompts on stdout and reads a line from stdin, without echo
// when stdin is a terminal.
func (a *app) askPassword(prompt string) (string, error) {
	fmt.Fprint(a.Out, prompt)
	if f, ok := a.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.Out)
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(a.In).ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
