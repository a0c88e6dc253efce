package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// ExitCode is the process's exit status (DESIGN.md, "Command line").
type ExitCode int

const (
	ExitOK         ExitCode = 0
	ExitFailed     ExitCode = 1
	ExitUsage      ExitCode = 2
	ExitNotFound   ExitCode = 3
	ExitNoIdentity ExitCode = 4 // no identity may read it
	ExitCorrupt    ExitCode = 5 // corrupt or tampered data
	ExitConflict   ExitCode = 6
)

// usageError marks bad input on the command line: a flag, an argument, a
// path or a value.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usage(err error) error { return usageError{err} }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// kindError is a message of its own that exits as kind does: a command's
// summary of what it found (tampering, references to nothing), whose own
// words say it better than kind's.
type kindError struct {
	msg  string
	kind error
}

func (e kindError) Error() string { return e.msg }
func (e kindError) Unwrap() error { return e.kind }

// errorOfKind is a message that exits as kind does.
func errorOfKind(kind error, format string, args ...any) error {
	return kindError{fmt.Sprintf(format, args...), kind}
}

// passedExit is the exit code of the command cabinet run started, passed
// on; err says why cabinet itself ended it, if it did.
type passedExit struct {
	code int
	err  error
}

func exitWith(code int, err error) error { return passedExit{code, err} }

func (p passedExit) Error() string {
	if p.err == nil {
		return fmt.Sprintf("exit status %d", p.code)
	}
	return p.err.Error()
}

func (p passedExit) Unwrap() error { return p.err }

// silent reports whether err is a command's own exit, which it explained
// itself: cabinet has nothing to add.
func silent(err error) bool {
	var p passedExit
	return errors.As(err, &p) && p.err == nil
}

// exitCodeOf maps an error to the exit code a script can act on.
func exitCodeOf(err error) ExitCode {
	var p passedExit
	if errors.As(err, &p) {
		return ExitCode(p.code)
	}
	var u usageError
	if code, ok := rotationExitCode(err); ok {
		return code
	}
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u), errors.Is(err, inventory.ErrInvalidPath), errors.Is(err, store.ErrEmptyValue), errors.Is(err, store.ErrBadInput), errors.Is(err, crypto.ErrTooLarge),
		errors.Is(err, inventory.ErrNotPlainText):
		return ExitUsage
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrNoStore):
		return ExitNotFound
	case errors.Is(err, crypto.ErrNoMatch), errors.Is(err, keysource.ErrNoIdentity), errors.Is(err, store.ErrNotMember), errors.Is(err, errNotMember),
		errors.Is(err, keysource.ErrKeyringUnavailable), errors.Is(err, crypto.ErrWrongPassphrase):
		return ExitNoIdentity
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, crypto.ErrTampered):
		return ExitCorrupt
	case errors.Is(err, store.ErrLocked), errors.Is(err, store.ErrRecipientsConflict):
		return ExitConflict
	}
	return ExitFailed
}

// printError writes err on one line, with its hint after a semicolon.
func printError(w io.Writer, err error) {
	// An error may quote a file's text: keep the terminal's controls out.
	fmt.Fprintf(w, "cabinet: %s\n", inventory.Printable(inventory.OneLine(err)))
}
