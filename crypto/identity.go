package crypto

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"
)

// Identity is the operator's private key (or keys, for an identity file that
// holds several), with the public keys that name it among the members.
type Identity struct {
	keys    []age.Identity
	publics []string
	// Source says where the identity came from, for doctor and errors.
	Source string
}

// PublicKeys returns the public keys of the identity, in the form members
// are written in recipients.yaml.
func (id *Identity) PublicKeys() []string { return id.publics }

// Generated is a new X25519 identity.
type Generated struct {
	Secret string // AGE-SECRET-KEY-1…: never print unless asked by name
	Public string // age1…
}

// GenerateIdentity makes a new X25519 identity.
func GenerateIdentity() (Generated, error) {
	k, err := age.GenerateX25519Identity()
	if err != nil {
		return Generated{}, fmt.Errorf("failed to generate an identity: %w", err)
	}
	return Generated{Secret: k.String(), Public: k.Recipient().String()}, nil
}

// ParseIdentity reads one or more AGE-SECRET-KEY-1 lines (comments and blank
// lines allowed), as in an age identity file or CABINET_IDENTITY. Its errors
// never quote the input, which may hold key material.
func ParseIdentity(text, source string) (*Identity, error) {
	id := &Identity{Source: source}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "age1") {
			return nil, fmt.Errorf("%s: line %d is a public key (age1…), not an identity (AGE-SECRET-KEY-1…)", source, n)
		}
		k, err := age.ParseX25519Identity(line)
		if err != nil {
			return nil, fmt.Errorf("%s: line %d is not an age identity (AGE-SECRET-KEY-1…)", source, n)
		}
		id.keys = append(id.keys, newX25519Key(k, line))
		id.publics = append(id.publics, k.Recipient().String())
	}
	if len(id.keys) == 0 {
		return nil, fmt.Errorf("%s: no identity found (want a line AGE-SECRET-KEY-1…)", source)
	}
	return id, nil
}

// Passphrase asks the user for the passphrase of name.
type Passphrase func(prompt string) ([]byte, error)

// ErrWrongPassphrase is returned for a passphrase that does not open an
// encrypted identity file.
var ErrWrongPassphrase = errors.New("incorrect passphrase")

// ParseIdentityFile reads the contents of an identity file the way the age
// command does: plain age identities, an age-encrypted (passphrase-
// protected) identity file, armored or binary, or an ssh-ed25519 private key
// in PEM form, itself possibly protected by a passphrase.
func ParseIdentityFile(data []byte, name string, ask Passphrase) (*Identity, error) {
	source := "identity file " + name
	if trimmed := bytes.TrimSpace(data); bytes.HasPrefix(trimmed, []byte("-----BEGIN")) && !bytes.HasPrefix(trimmed, []byte(armor.Header)) {
		return parseSSHIdentity(trimmed, name, source, ask)
	}
	text, err := IdentityText(data, name, ask)
	if err != nil {
		return nil, err
	}
	return ParseIdentity(text, source)
}

// IdentityText returns the AGE-SECRET-KEY-1 lines of an age identity file,
// asking for the passphrase if the file is age-encrypted.
func IdentityText(data []byte, name string, ask Passphrase) (string, error) {
	trimmed := bytes.TrimSpace(data)
	if !bytes.HasPrefix(data, []byte("age-encryption.org/")) && !bytes.HasPrefix(trimmed, []byte(armor.Header)) {
		return string(data), nil
	}
	source := "identity file " + name
	if ask == nil {
		return "", fmt.Errorf("%s is protected by a passphrase and no terminal is attached to ask for it", source)
	}
	pass, err := ask(fmt.Sprintf("Enter passphrase for identity file %q: ", name))
	if err != nil {
		return "", fmt.Errorf("could not read the passphrase for %s: %w", source, err)
	}
	scrypt, err := age.NewScryptIdentity(string(pass))
	if err != nil {
		return "", err
	}
	var r io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(trimmed, []byte(armor.Header)) {
		r = armor.NewReader(bytes.NewReader(trimmed))
	}
	plain, err := age.Decrypt(r, scrypt)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return "", fmt.Errorf("%s: %w", source, ErrWrongPassphrase)
		}
		return "", fmt.Errorf("%s: cannot decrypt it: %v", source, err)
	}
	text, err := io.ReadAll(io.LimitReader(plain, 1<<20))
	if err != nil {
		return "", fmt.Errorf("%s: cannot decrypt it: %v", source, err)
	}
	return string(text), nil
}

func parseSSHIdentity(pemBytes []byte, name, source string, ask Passphrase) (*Identity, error) {
	raw, err := ssh.ParseRawPrivateKey(pemBytes)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if ask == nil {
			return nil, fmt.Errorf("%s is protected by a passphrase and no terminal is attached to ask for it", source)
		}
		pass, perr := ask(fmt.Sprintf("Enter passphrase for %q: ", name))
		if perr != nil {
			return nil, fmt.Errorf("could not read the passphrase for %s: %w", source, perr)
		}
		raw, err = ssh.ParseRawPrivateKeyWithPassphrase(pemBytes, pass)
		if errors.Is(err, x509.IncorrectPasswordError) || (err != nil && strings.Contains(err.Error(), "decryption password incorrect")) {
			return nil, fmt.Errorf("%s: %w", source, ErrWrongPassphrase)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a usable private key: %v", source, err)
	}
	var priv ed25519.PrivateKey
	switch k := raw.(type) {
	case ed25519.PrivateKey:
		priv = k
	case *ed25519.PrivateKey:
		priv = *k
	default:
		return nil, fmt.Errorf("%s: only ssh-ed25519 private keys are supported", source)
	}
	key, err := agessh.NewEd25519Identity(priv)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	public := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	return &Identity{keys: []age.Identity{key}, publics: []string{public}, Source: source}, nil
}
