package crypto

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// bindingStanza is the type of the extra stanza that binds a value to its
// place. Identities of other types skip it, so the stock age command still
// decrypts the value; the header MAC covers it, so nobody without the file
// key can change it unnoticed.
const bindingStanza = "cabinet-v1"

// Binding is where a value belongs: the secret's path, the version's number
// and a digest of the readers it was sealed to. It travels inside the value's
// age header.
type Binding struct {
	Path    string
	Version int
	Readers string
}

// String is the binding as messages show it.
func (b Binding) String() string {
	return fmt.Sprintf("%s version %d", b.Path, b.Version)
}

// bindingRecipient adds the binding stanza to a header. It carries no key:
// the file key is not in it.
type bindingRecipient struct{ b Binding }

func (r bindingRecipient) Wrap([]byte) ([]*age.Stanza, error) {
	return []*age.Stanza{{
		Type: bindingStanza,
		Args: []string{r.b.Path, strconv.Itoa(r.b.Version), r.b.Readers},
		Body: []byte{},
	}}, nil
}

func (b Binding) valid() error {
	for _, arg := range []string{b.Path, b.Readers} {
		if arg == "" || strings.IndexFunc(arg, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
			return fmt.Errorf("invalid binding %q", arg)
		}
	}
	if b.Version < 1 {
		return fmt.Errorf("invalid binding version %d", b.Version)
	}
	return nil
}

// Seal encrypts value to the recipients, bound to b, and returns
// ASCII-armored age that the stock age command decrypts. Open reports the
// binding, so a value moved to another secret or version is noticed.
func Seal(value []byte, to Recipients, b Binding) (string, error) {
	if err := b.valid(); err != nil {
		return "", err
	}
	if len(to.list) == 0 {
		return "", errors.New("no recipients to encrypt to")
	}
	all := append(make([]age.Recipient, 0, len(to.list)+1), to.list...)
	return seal(value, append(all, bindingRecipient{b}))
}

// Header is what a value's age header says, read by Inspect or by
// Open. Binding is nil for a value sealed without one (by the stock age
// command, or by cabinet before bindings).
type Header struct {
	Binding *Binding
	// Recipients counts the stanzas other than the binding: one per reader.
	Recipients int
}

// headerRecorder wraps an identity to see the header's stanzas on their way
// to it. age tries identities in order and hands each all stanzas, so the
// first recorder sees them even when a later identity opens the file.
type headerRecorder struct {
	inner age.Identity
	seen  *[]*age.Stanza
}

func (h headerRecorder) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	if *h.seen == nil {
		*h.seen = stanzas
	}
	if h.inner == nil {
		return nil, age.ErrIncorrectIdentity
	}
	return h.inner.Unwrap(stanzas)
}

// readHeader turns the stanzas of a header into a Header. A malformed or
// second binding stanza makes the header tampered.
func readHeader(stanzas []*age.Stanza) (Header, error) {
	var h Header
	for _, s := range stanzas {
		if s.Type != bindingStanza {
			h.Recipients++
			continue
		}
		if h.Binding != nil || len(s.Args) != 3 || len(s.Body) != 0 {
			return Header{}, fmt.Errorf("%w: a malformed %s stanza", ErrTampered, bindingStanza)
		}
		n, err := strconv.Atoi(s.Args[1])
		if err != nil || n < 1 {
			return Header{}, fmt.Errorf("%w: a malformed %s stanza", ErrTampered, bindingStanza)
		}
		h.Binding = &Binding{Path: s.Args[0], Version: n, Readers: s.Args[2]}
	}
	return h, nil
}

// Open decrypts an armored value with the identity and returns what its
// header says; the header is authenticated: age checks its MAC before the
// value is returned. The error wraps ErrNoMatch when the value was sealed
// to others, and ErrTampered when the ciphertext is damaged or altered.
func Open(armored string, id *Identity) ([]byte, Header, error) {
	var seen []*age.Stanza
	keys := make([]age.Identity, len(id.keys))
	for i, k := range id.keys {
		keys[i] = headerRecorder{inner: k, seen: &seen}
	}
	value, err := open(armored, keys)
	if err != nil {
		return nil, Header{}, err
	}
	h, err := readHeader(seen)
	if err != nil {
		clear(value)
		return nil, Header{}, err
	}
	return value, h, nil
}

// Inspect reads a value's header without opening it. Nothing in it is
// authenticated: it is for reports (doctor) and for deciding what to check,
// never for trusting a value.
func Inspect(armored string) (Header, error) {
	var seen []*age.Stanza
	_, err := age.Decrypt(armor.NewReader(strings.NewReader(armored)), headerRecorder{seen: &seen})
	var noMatch *age.NoIdentityMatchError
	if !errors.As(err, &noMatch) {
		return Header{}, ErrTampered
	}
	return readHeader(seen)
}
