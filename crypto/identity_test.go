package crypto_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/agetest"
)

func TestGenerateIdentity(t *testing.T) {
	t.Parallel()
	a, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := crypto.GenerateIdentity()
	if !strings.HasPrefix(a.Secret, "AGE-SECRET-KEY-1") || !strings.HasPrefix(a.Public, "age1") {
		t.Errorf("GenerateIdentity = %q…, %q", a.Secret[:16], a.Public)
	}
	if a.Secret == b.Secret || a.Public == b.Public {
		t.Error("two generated identities are the same")
	}
	id, err := crypto.ParseIdentity(a.Secret, "new")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{a.Public}) {
		t.Errorf("PublicKeys = %v, want [%s]", id.PublicKeys(), a.Public)
	}
	if id.Source != "new" {
		t.Errorf("Source = %q", id.Source)
	}
}

func TestParseIdentity(t *testing.T) {
	t.Parallel()
	a, aid := agetest.X25519(t)
	b, _ := agetest.X25519(t)
	text := "# created: 2026-01-01T00:00:00Z\n# public key: " + a.Public + "\n" + a.Secret + "\r\n\n  " + b.Secret + "  \n"
	id, err := crypto.ParseIdentity(text, "identity file keys.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{a.Public, b.Public}) {
		t.Errorf("PublicKeys = %v, want both keys in order", id.PublicKeys())
	}
	// Either key opens what was sealed to it.
	for _, pub := range []string{a.Public, b.Public} {
		if got, _, err := crypto.Open(seal(t, "v", pub), id); err != nil || string(got) != "v" {
			t.Errorf("Open with a two-key identity = %q, %v", got, err)
		}
	}
	if _, _, err := crypto.Open(seal(t, "v", b.Public), aid); !errors.Is(err, crypto.ErrNoMatch) {
		t.Errorf("a one-key identity opened a value for the other key: %v", err)
	}
}

func TestParseIdentityErrorsNeverQuoteKeys(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	s := gen.Secret
	last := s[len(s)-1]
	swapped := "Q"
	if last == 'Q' {
		swapped = "P"
	}
	badChecksum := s[:len(s)-1] + swapped
	tests := []struct {
		name, text, wantErr string
		secret              string // must not show in the error
	}{
		{"bad checksum", badChecksum, "CABINET_IDENTITY: line 1 is not an age identity (AGE-SECRET-KEY-1…)", badChecksum},
		{"truncated", s[:40], "line 1 is not an age identity", s[:40]},
		{"with trailing junk", s + "junk", "line 1 is not an age identity", s},
		{"second line bad", s + "\n" + badChecksum + "\n", "line 2 is not an age identity", badChecksum},
		{"after comments", "# my key\n\n" + badChecksum, "line 3 is not an age identity", badChecksum},
		{"plugin identity", "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQ", "line 1 is not an age identity", "QQQQQQQQQQQQ"},
		{"ssh key pasted", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE", "line 1 is not an age identity", "AAAAC3NzaC1lZDI1NTE5"},
		{"public key instead", gen.Public, "line 1 is a public key (age1…), not an identity", ""},
		{"empty", "", "CABINET_IDENTITY: no identity found", ""},
		{"only comments", "# nothing\n\n", "no identity found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := crypto.ParseIdentity(tt.text, "CABINET_IDENTITY")
			if err == nil {
				t.Fatalf("ParseIdentity = %v, want an error", id.PublicKeys())
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q, want %q", err, tt.wantErr)
			}
			if tt.secret != "" {
				for _, part := range []string{tt.secret, tt.secret[len(tt.secret)-12:], strings.TrimPrefix(tt.secret, "AGE-SECRET-KEY-1")[:12]} {
					if strings.Contains(err.Error(), part) {
						t.Errorf("error %q quotes key material %q", err, part)
					}
				}
			}
		})
	}
}

func TestParseIdentityFilePlain(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	id, err := crypto.ParseIdentityFile([]byte("# created by age-keygen\n"+gen.Secret+"\n"), "keys.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{gen.Public}) || !strings.Contains(id.Source, "keys.txt") {
		t.Errorf("ParseIdentityFile = %v from %q", id.PublicKeys(), id.Source)
	}
	_, err = crypto.ParseIdentityFile(nil, "empty.txt", nil)
	if err == nil || !strings.Contains(err.Error(), "identity file empty.txt: no identity found") {
		t.Errorf("empty file: %v", err)
	}
}

func TestParseIdentityFileWithPassphrase(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	sealed := seal(t, "hunter2", gen.Public)
	for _, armored := range []bool{true, false} {
		name := "binary"
		if armored {
			name = "armored"
		}
		data := agetest.PassphraseFile(t, "# my key\n"+gen.Secret+"\n", "correct horse", armored)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Leading and trailing blank lines, as an editor may leave them.
			if armored {
				data = append(append([]byte("\n"), data...), "\n\n"...)
			}

			right := &agetest.Pass{Answer: "correct horse"}
			id, err := crypto.ParseIdentityFile(data, "keys.age", right.Ask)
			if err != nil {
				t.Fatalf("with the right passphrase: %v", err)
			}
			if !slices.Equal(id.PublicKeys(), []string{gen.Public}) {
				t.Errorf("PublicKeys = %v", id.PublicKeys())
			}
			if got, _, err := crypto.Open(sealed, id); err != nil || string(got) != "hunter2" {
				t.Errorf("Open = %q, %v", got, err)
			}
			if len(right.Prompts) != 1 || !strings.Contains(right.Prompts[0], "keys.age") {
				t.Errorf("prompts = %q, want one naming the file", right.Prompts)
			}

			_, err = crypto.ParseIdentityFile(data, "keys.age", (&agetest.Pass{Answer: "wrong horse"}).Ask)
			if !errors.Is(err, crypto.ErrWrongPassphrase) || !strings.Contains(err.Error(), "keys.age") {
				t.Errorf("with a wrong passphrase: %v, want ErrWrongPassphrase naming the file", err)
			}

			_, err = crypto.ParseIdentityFile(data, "keys.age", nil)
			if err == nil || !strings.Contains(err.Error(), "keys.age is protected by a passphrase") || errors.Is(err, crypto.ErrWrongPassphrase) {
				t.Errorf("without a way to ask: %v", err)
			}

			cancelled := errors.New("read cancelled")
			_, err = crypto.ParseIdentityFile(data, "keys.age", func(string) ([]byte, error) { return nil, cancelled })
			if !errors.Is(err, cancelled) || !strings.Contains(err.Error(), "keys.age") {
				t.Errorf("when asking fails: %v", err)
			}
		})
	}
}

func TestParseIdentityFileWithPassphraseBadContent(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	bad := gen.Secret[:len(gen.Secret)-3] + "QQQ"
	data := agetest.PassphraseFile(t, bad+"\n", "pw", true)
	_, err := crypto.ParseIdentityFile(data, "keys.age", (&agetest.Pass{Answer: "pw"}).Ask)
	if err == nil || !strings.Contains(err.Error(), "line 1 is not an age identity") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), bad[16:30]) {
		t.Errorf("error %q quotes the decrypted key", err)
	}
}

func TestParseIdentityFileSSH(t *testing.T) {
	t.Parallel()
	key := agetest.NewSSHKey(t, "")
	id, err := crypto.ParseIdentityFile(key.PEM, "id_ed25519", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{key.Public}) {
		t.Errorf("PublicKeys = %v, want the authorized_keys form %q", id.PublicKeys(), key.Public)
	}
	// The public key parses as a member key and names this identity.
	if got, _, err := crypto.Open(seal(t, "hunter2", id.PublicKeys()[0]), id); err != nil || string(got) != "hunter2" {
		t.Errorf("Open = %q, %v", got, err)
	}
	// A PEM file with surrounding whitespace is still a PEM file.
	if _, err := crypto.ParseIdentityFile(append([]byte("\n\n"), key.PEM...), "id_ed25519", nil); err != nil {
		t.Errorf("PEM after blank lines: %v", err)
	}
}

func TestParseIdentityFileSSHWithPassphrase(t *testing.T) {
	t.Parallel()
	key := agetest.NewSSHKey(t, "open sesame")
	right := &agetest.Pass{Answer: "open sesame"}
	id, err := crypto.ParseIdentityFile(key.PEM, "id_ed25519", right.Ask)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(id.PublicKeys(), []string{key.Public}) {
		t.Errorf("PublicKeys = %v, want %q", id.PublicKeys(), key.Public)
	}
	if len(right.Prompts) != 1 || !strings.Contains(right.Prompts[0], "id_ed25519") {
		t.Errorf("prompts = %q", right.Prompts)
	}
	_, err = crypto.ParseIdentityFile(key.PEM, "id_ed25519", (&agetest.Pass{Answer: "wrong"}).Ask)
	if !errors.Is(err, crypto.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	_, err = crypto.ParseIdentityFile(key.PEM, "id_ed25519", nil)
	if err == nil || !strings.Contains(err.Error(), "id_ed25519 is protected by a passphrase") {
		t.Errorf("no way to ask: %v", err)
	}
}

func TestParseIdentityFileUnsupportedKeys(t *testing.T) {
	t.Parallel()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(ec, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"ecdsa", pem.EncodeToMemory(block), "identity file k: only ssh-ed25519 private keys are supported"},
		{"garbage PEM", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), "identity file k: not a usable private key"},
		{"certificate", []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), "not a usable private key"},
		{"public key file", []byte(agetest.NewSSHKey(t, "").Public + "\n"), "line 1 is not an age identity"},
	}
	for _, tt := range tests {
		_, err := crypto.ParseIdentityFile(tt.data, "k", nil)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}
