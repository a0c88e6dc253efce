package crypto_test

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
// private key as an OpenSSH PEM file, optionally protected by a passphrase.
type sshKey struct {
	Public string // "ssh-ed25519 AAAA…", as in authorized_keys
	PEM    []byte
}

func newSSHKey(t testing.TB, passphrase string) sshKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "alice@laptop")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "alice@laptop", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return sshKey{Public: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), PEM: pem.EncodeToMemory(block)}
}

func recipients(t testing.TB, keys ...string) crypto.Recipients {
	t.Helper()
	rs, err := crypto.ParseRecipients(keys)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// sealUnbound seals value to X25519 keys as the stock age command does
// (and cabinet did before bindings): no binding stanza.
func sealUnbound(t testing.TB, value string, keys ...string) string {
	t.Helper()
	var to []age.Recipient
	for _, k := range keys {
		r, err := age.ParseX25519Recipient(k)
		if err != nil {
			t.Fatal(err)
		}
		to = append(to, r)
	}
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, to...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, value); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// seal seals value to keys as cabinet does, bound to testBinding.
func seal(t testing.TB, value string, keys ...string) string {
	t.Helper()
	sealed, err := crypto.Seal([]byte(value), recipients(t, keys...), testBinding)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

// passphraseFile encrypts an identity file with a passphrase, as
// `age -p` (armored with -a) does, with a low work factor for speed.
func passphraseFile(t testing.TB, content, passphrase string, armored bool) []byte {
	t.Helper()
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	var out io.Writer = &buf
	var aw io.WriteCloser
	if armored {
		aw = armor.NewWriter(&buf)
		out = aw
	}
	w, err := age.Encrypt(out, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(w, content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if aw != nil {
		if err := aw.Close(); err != nil {
			t.Fatal(err)
		}
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
