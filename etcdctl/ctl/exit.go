package ctl

import (
	"errors"
	"fmt"
)

// Exit codes, as etcd's cobrautl numbers them.
const (
	ExitSuccess       = 0
	ExitError         = 1
	ExitBadConnection = 2
	ExitInvalidInput  = 3 // txn, watch
	ExitBadFeature    = 4 // a valid flag with an unsupported value
	ExitInterrupted   = 5
	ExitIO            = 6
	ExitBadArgs       = 128
)

// exitError ends the command with Code. When Err is not nil, Main prints
// "Error: <Err>" on stderr first.
type exitError struct {
	Code int
	Err  error
}

func (e *exitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *exitError) Unwrap() error { return e.Err }

// exitErr wraps err with code; a nil err still exits with code, silently.
func exitErr(code int, err error) *exitError { return &exitError{Code: code, Err: err} }

// exitf is exitErr with a formatted message.
func exitf(code int, format string, a ...any) *exitError {
	return &exitError{Code: code, Err: fmt.Errorf(format, a...)}
}

// asExit finds the ExitError in err's chain.
func asExit(err error) (*exitError, bool) {
	var e *exitError
	ok := errors.As(err, &e)
	return e, ok
}
