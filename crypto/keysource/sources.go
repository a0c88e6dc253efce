package keysource

import (
	"errors"
	"fmt"
	"os"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// Environment variables that name identity sources.
const (
	envIdentityFile = "CABINET_IDENTITY_FILE"
	envIdentity     = "CABINET_IDENTITY"
)

// ErrNoIdentity means no source holds an identity.
var ErrNoIdentity = errors.New("no identity found")

// noIdentityHint says how to get one.
const noIdentityHint = "run `cabinet identity new` to create one in the OS keyring, or set CABINET_IDENTITY_FILE or CABINET_IDENTITY"

// Sources are the places an identity may come from, in the order Resolve
// tries them.
type Sources struct {
	File       string              // --identity; empty: use the environment
	Getenv     func(string) string // os.Getenv in production
	Keyring    Keyring
	Passphrase crypto.Passphrase // nil when no terminal can be asked
}

// Resolve returns the first identity found: the identity file, then
// CABINET_IDENTITY, then the OS keyring.
func (s Sources) Resolve() (*crypto.Identity, error) {
	if path, flag := s.identityFile(); path != "" {
		data, err := ReadIdentityFile(path)
		if err != nil {
			return nil, inventory.WithHint(fmt.Errorf("%w: cannot read identity file %s (from %s): %v", ErrNoIdentity, path, flag, unwrapPathError(err)),
				"check the path, or unset "+envIdentityFile+" to use CABINET_IDENTITY or the OS keyring")
		}
		return unusable(crypto.ParseIdentityFile(data, path, s.Passphrase))
	}
	if text := s.getenv(envIdentity); text != "" {
		return unusable(crypto.ParseIdentity(text, envIdentity))
	}
	if s.Keyring == nil {
		return nil, inventory.WithHint(ErrNoIdentity, noIdentityHint)
	}
	text, err := s.Keyring.Get(Service, User)
	if errors.Is(err, ErrKeyringEmpty) {
		return nil, inventory.WithHint(ErrNoIdentity, noIdentityHint)
	}
	if err != nil {
		return nil, err
	}
	return unusable(crypto.ParseIdentity(text, "OS keyring"))
}

// unusableError is an identity source that holds no usable identity. It
// reads as the parse error and matches ErrNoIdentity, so that the command
// line exits with "no identity may read it".
type unusableError struct{ err error }

func (u unusableError) Error() string        { return u.err.Error() }
func (u unusableError) Unwrap() error        { return u.err }
func (u unusableError) Is(target error) bool { return target == ErrNoIdentity }

func unusable(id *crypto.Identity, err error) (*crypto.Identity, error) {
	if err != nil {
		return nil, unusableError{err}
	}
	return id, nil
}

// UsesFile reports whether Resolve reads an identity file (which may ask
// for a passphrase) rather than the environment or the keyring.
func (s Sources) UsesFile() bool {
	path, _ := s.identityFile()
	return path != ""
}

// identityFile returns the identity file to use and what named it.
func (s Sources) identityFile() (path, from string) {
	if s.File != "" {
		return s.File, "--identity"
	}
	return s.getenv(envIdentityFile), envIdentityFile
}

func (s Sources) getenv(k string) string {
	if s.Getenv == nil {
		return os.Getenv(k)
	}
	return s.Getenv(k)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
