package keysource

import (
	"errors"
	"fmt"
	"time"

	"github.com/cabinethq/cabinet/inventory"
	gokeyring "github.com/zalando/go-keyring"
)

// Keyring is the part of an OS keyring that cabinet uses: go-keyring's three
// calls. OSKeyring is the real one; internal/memkeyring has one in memory for unit tests.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// Where cabinet keeps the operator's identity in the keyring.
const (
	Service = "cabinet"
	User    = "identity"
)

var (
	// ErrKeyringEmpty means the keyring answered but holds no identity.
	ErrKeyringEmpty = errors.New("no identity in the OS keyring")
	// ErrKeyringUnavailable means the keyring is missing, locked or did not
	// answer in time.
	ErrKeyringUnavailable = errors.New("the OS keyring is unavailable")
)

// KeyringHint tells the user which other identity sources to use.
const KeyringHint = "set CABINET_IDENTITY_FILE to an age identity file, or CABINET_IDENTITY to the AGE-SECRET-KEY-1… string"

// defaultTimeout bounds each keyring call when CABINET_KEYRING_TIMEOUT is
// unset.
const defaultTimeout = 3 * time.Second

// envTimeout sets the deadline of each keyring call, as a Go duration (5s,
// 500ms).
const envTimeout = "CABINET_KEYRING_TIMEOUT"

// Timeout is the deadline of each keyring call that CABINET_KEYRING_TIMEOUT
// sets, or 3s when it is unset or empty. Anything but a positive
// duration is an error that names the variable and the form it takes: a
// typo must not quietly leave the default in place.
func Timeout(getenv func(string) string) (time.Duration, error) {
	v := getenv(envTimeout)
	if v == "" {
		return defaultTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive duration: write it like 5s, 500ms or 1m", envTimeout, v)
	}
	return d, nil
}

// OSKeyring is the OS keyring through go-keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows), with a deadline on every
// call: go-keyring has none, and a Secret Service that owns its bus name but
// does not answer would block forever.
type OSKeyring struct {
	Timeout time.Duration // 0: 3s, the default
}

func (k OSKeyring) Get(service, user string) (string, error) {
	var secret string
	err := k.call("read from", func() (err error) {
		secret, err = gokeyring.Get(service, user)
		return err
	})
	return secret, err
}

func (k OSKeyring) Set(service, user, secret string) error {
	return k.call("write to", func() error { return gokeyring.Set(service, user, secret) })
}

func (k OSKeyring) Delete(service, user string) error {
	return k.call("delete from", func() error { return gokeyring.Delete(service, user) })
}

// call runs f in its own goroutine and gives up after the deadline. A call
// that hangs is left behind: the process is a short-lived command, and a
// hung D-Bus call cannot be cancelled.
func (k OSKeyring) call(verb string, f func() error) error {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, gokeyring.ErrNotFound):
			return ErrKeyringEmpty
		}
		return inventory.WithHint(fmt.Errorf("%w: failed to %s it: %v", ErrKeyringUnavailable, verb, oneLine(err)), KeyringHint)
	case <-time.After(timeout):
		return inventory.WithHint(fmt.Errorf("%w: it did not answer within %s", ErrKeyringUnavailable, timeout), KeyringHint)
	}
}

// oneLine keeps a library's multi-line error on one line.
func oneLine(err error) string {
	s := []rune(err.Error())
	for i, r := range s {
		if r == '\n' || r == '\r' {
			s[i] = ' '
		}
	}
	return string(s)
}
