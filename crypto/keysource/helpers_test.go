package keysource_test

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

// x25519 makes a fresh age identity and parses it the way cabinet does.
func x25519(t testing.TB) (crypto.Generated, *crypto.Identity) {
	t.Helper()
	gen, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	id, err := crypto.ParseIdentity(gen.Secret, "test")
	if err != nil {
		t.Fatal(err)
	}
	return gen, id
}

// sshKey is an ssh-ed25519 key pair: the authorized_keys line and the
// private key as an OpenSSH PEM file, without a passphrase.
type sshKey struct {
	Public string // "ssh-ed25519 AAAA…", as in authorized_keys
	PEM    []byte
}

func newSSHKey(t testing.TB) sshKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "alice@laptop")
	if err != nil {
		t.Fatal(err)
	}
	return sshKey{Public: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), PEM: pem.EncodeToMemory(block)}
}

// passphraseFile encrypts an identity file with a passphrase, as
// `age -p -a` does, with a low work factor for speed.
func passphraseFile(t testing.TB, content, passphrase string) []byte {
	t.Helper()
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pass is a Passphrase that always answers p and records the prompts.
type pass struct {
	p       string
	prompts []string
}

func (a *pass) ask(prompt string) ([]byte, error) {
	a.prompts = append(a.prompts, prompt)
	return []byte(a.p), nil
}
