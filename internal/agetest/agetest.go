// Package agetest makes the age keys, identity files and ciphertexts that
// tests of crypto, crypto/keysource and store need, the way the stock age
// and ssh tools make them. It is for tests only.
package agetest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
	"golang.org/x/crypto/ssh"

	"github.com/cabinethq/cabinet/crypto"
)

// X25519 makes a fresh age identity and parses it the way cabinet does.
func X25519(tb testing.TB) (crypto.Generated, *crypto.Identity) {
	tb.Helper()
	gen, err := crypto.GenerateIdentity()
	if err != nil {
		tb.Fatal(err)
	}
	id, err := crypto.ParseIdentity(gen.Secret, "test")
	if err != nil {
		tb.Fatal(err)
	}
	return gen, id
}

// SSHKey is an ssh-ed25519 key pair: the authorized_keys line and the
// private key as an OpenSSH PEM file.
type SSHKey struct {
	Public string // "ssh-ed25519 AAAA…", as in authorized_keys
	PEM    []byte
}

// NewSSHKey makes an ssh-ed25519 key pair, its private key protected by
// passphrase unless that is empty.
func NewSSHKey(tb testing.TB, passphrase string) SSHKey {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "alice@laptop")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "alice@laptop", []byte(passphrase))
	}
	if err != nil {
		tb.Fatal(err)
	}
	return SSHKey{Public: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), PEM: pem.EncodeToMemory(block)}
}

// PassphraseFile encrypts an identity file with a passphrase, as `age -p`
// (armored with -a) does, with a low work factor for speed.
func PassphraseFile(tb testing.TB, content, passphrase string, armored bool) []byte {
	tb.Helper()
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		tb.Fatal(err)
	}
	r.SetWorkFactor(10)
	return encrypt(tb, content, []age.Recipient{r}, armored)
}

// SealUnbound seals value to X25519 keys as the stock age command does,
// and cabinet did before bindings: no binding stanza.
func SealUnbound(tb testing.TB, value string, keys ...string) string {
	tb.Helper()
	var to []age.Recipient
	for _, k := range keys {
		r, err := age.ParseX25519Recipient(k)
		if err != nil {
			tb.Fatal(err)
		}
		to = append(to, r)
	}
	return string(encrypt(tb, value, to, true))
}

func encrypt(tb testing.TB, content string, to []age.Recipient, armored bool) []byte {
	tb.Helper()
	var buf bytes.Buffer
	var out io.Writer = &buf
	var aw io.WriteCloser
	if armored {
		aw = armor.NewWriter(&buf)
		out = aw
	}
	w, err := age.Encrypt(out, to...)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.WriteString(w, content); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if aw != nil {
		if err := aw.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

// WriteFile writes data to a file named name in a temporary folder of the
// test, 0600, and returns its path.
func WriteFile(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// Pass is a crypto.Passphrase (its Ask method) that always answers Answer
// and records the prompts it was asked with.
type Pass struct {
	Answer  string
	Prompts []string
}

// Ask answers a prompt.
func (a *Pass) Ask(prompt string) ([]byte, error) {
	a.Prompts = append(a.Prompts, prompt)
	return []byte(a.Answer), nil
}
