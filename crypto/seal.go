package crypto

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
)

var (
	// ErrNoMatch means none of the identities can open a value: it was
	// sealed to other people.
	ErrNoMatch = errors.New("no identity matches")
	// ErrTampered means a value is not a valid age ciphertext, or failed its
	// authentication: it was damaged or altered.
	ErrTampered = errors.New("ciphertext is damaged or was altered")
	// ErrTooLarge refuses a value over MaxValueSize.
	ErrTooLarge = errors.New("the value is over the limit of 1 MiB")
)

// MaxValueSize is the largest value cabinet stores.
const MaxValueSize = 1 << 20

// Recipients are the public keys a value is sealed to, parsed; the zero
// value holds none.
type Recipients struct{ list []age.Recipient }

// ParseRecipient reads a member's public key: an age X25519 key ("age1…") or
// an ssh-ed25519 public key.
func ParseRecipient(key string) (Recipients, error) {
	r, err := parseRecipient(key)
	if err != nil {
		return Recipients{}, err
	}
	return Recipients{list: []age.Recipient{r}}, nil
}

func parseRecipient(key string) (age.Recipient, error) {
	key = strings.TrimSpace(key)
	switch {
	case strings.HasPrefix(key, "age1"):
		r, err := age.ParseX25519Recipient(key)
		if err != nil {
			return nil, fmt.Errorf("invalid age public key: %v", err)
		}
		return r, nil
	case strings.HasPrefix(key, "ssh-ed25519 "):
		r, err := agessh.ParseRecipient(key)
		if err != nil {
			return nil, fmt.Errorf("invalid ssh-ed25519 public key: %v", err)
		}
		return r, nil
	}
	return nil, fmt.Errorf("unsupported public key: want an age key (age1…) or an ssh-ed25519 key")
}

// ParseRecipients parses several keys; the error names the one at fault.
func ParseRecipients(keys []string) (Recipients, error) {
	rs := make([]age.Recipient, 0, len(keys))
	for i, k := range keys {
		r, err := parseRecipient(k)
		if err != nil {
			return Recipients{}, fmt.Errorf("key %d: %w", i+1, err)
		}
		rs = append(rs, r)
	}
	return Recipients{list: rs}, nil
}

func seal(value []byte, recipients []age.Recipient) (string, error) {
	if len(recipients) == 0 {
		return "", errors.New("no recipients to encrypt to")
	}
	if len(value) > MaxValueSize {
		return "", fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(value))
	}
	var buf bytes.Buffer
	buf.Grow(len(value)*4/3 + 512)
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, recipients...)
	if err != nil {
		return "", fmt.Errorf("failed to encrypt: %w", err)
	}
	if _, err := w.Write(value); err != nil {
		return "", fmt.Errorf("failed to encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("failed to encrypt: %w", err)
	}
	if err := aw.Close(); err != nil {
		return "", fmt.Errorf("failed to encrypt: %w", err)
	}
	return buf.String(), nil
}

func open(armored string, keys []age.Identity) ([]byte, error) {
	if value, ok := openOneChunk(armored, keys); ok {
		return value, nil
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(armored)), keys...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, ErrNoMatch
		}
		return nil, ErrTampered
	}
	value, err := io.ReadAll(io.LimitReader(r, MaxValueSize+1))
	if err != nil {
		return nil, ErrTampered
	}
	if len(value) > MaxValueSize {
		return nil, ErrTooLarge
	}
	return value, nil
}
