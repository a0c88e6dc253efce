package crypto_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/agetest"
	"github.com/cabinethq/cabinet/inventory"
)

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	gen, xid := agetest.X25519(t)
	key := agetest.NewSSHKey(t, "")
	sid, err := crypto.ParseIdentityFile(key.PEM, "id_ed25519", nil)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]byte{
		"password":         []byte("correct horse battery staple"),
		"empty":            {},
		"binary":           {0, 1, 2, 0xff, '\n', '\r', 0},
		"multi-line":       []byte("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"),
		"exactly 1 MiB":    bytes.Repeat([]byte("x"), crypto.MaxValueSize),
		"unicode":          []byte("pässwörd 🔑"),
		"armor look-alike": []byte("-----END AGE ENCRYPTED FILE-----"),
	}
	tests := []struct {
		name string
		to   []string
		ids  []*crypto.Identity // each must open it on its own
	}{
		{"x25519", []string{gen.Public}, []*crypto.Identity{xid}},
		{"ssh-ed25519", []string{key.Public}, []*crypto.Identity{sid}},
		{"both", []string{gen.Public, key.Public}, []*crypto.Identity{xid, sid}},
	}
	for _, tt := range tests {
		for vname, value := range values {
			t.Run(tt.name+"/"+vname, func(t *testing.T) {
				t.Parallel()
				sealed, err := crypto.Seal(value, recipients(t, tt.to...), testBinding)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(sealed, "-----BEGIN AGE ENCRYPTED FILE-----\n") || !strings.HasSuffix(sealed, "-----END AGE ENCRYPTED FILE-----\n") {
					t.Errorf("Seal output is not ASCII-armored age:\n%.200s", sealed)
				}
				if !inventory.LooksArmored(sealed) {
					t.Error("inventory does not take Seal's output as a whole ciphertext")
				}
				body := strings.TrimSuffix(strings.TrimPrefix(sealed, "-----BEGIN AGE ENCRYPTED FILE-----\n"), "-----END AGE ENCRYPTED FILE-----\n")
				if len(value) > 4 && strings.Contains(body, string(value)) {
					t.Error("the plaintext shows in the ciphertext")
				}
				for i, id := range tt.ids {
					got, _, err := crypto.Open(sealed, id)
					if err != nil {
						t.Fatalf("identity %d: Open = %v", i, err)
					}
					if !bytes.Equal(got, value) {
						t.Fatalf("identity %d: Open gave %d bytes, want the %d sealed", i, len(got), len(value))
					}
				}
			})
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	first, second := seal(t, "same", gen.Public), seal(t, "same", gen.Public)
	if first == second {
		t.Error("two seals of the same value are identical")
	}
}

func TestOpenToleratesSurroundingWhitespace(t *testing.T) {
	t.Parallel()
	// YAML block scalars may add or strip the final newline.
	gen, id := agetest.X25519(t)
	sealed := seal(t, "hunter2", gen.Public)
	for _, v := range []string{strings.TrimSpace(sealed), "\n" + sealed + "\n\n"} {
		if got, _, err := crypto.Open(v, id); err != nil || string(got) != "hunter2" {
			t.Errorf("Open(%q…) = %q, %v", v[:12], got, err)
		}
	}
}

func TestSealRefuses(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	secret := append(bytes.Repeat([]byte("s3cr3t-"), crypto.MaxValueSize/7), "tail-over-the-limit"...)
	_, err := crypto.Seal(secret, recipients(t, gen.Public), testBinding)
	if err == nil || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("Seal of %d bytes = %v, want an error naming the 1 MiB limit", len(secret), err)
	}
	if err != nil && strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error quotes the value: %v", err)
	}
	if _, err := crypto.Seal([]byte("x"), crypto.Recipients{}, testBinding); err == nil || !strings.Contains(err.Error(), "no recipients") {
		t.Errorf("Seal to nobody = %v, want an error", err)
	}
}

func TestOpenWrongIdentity(t *testing.T) {
	t.Parallel()
	alice, _ := agetest.X25519(t)
	_, mallory := agetest.X25519(t)
	key := agetest.NewSSHKey(t, "")
	tests := map[string]string{
		"x25519":      seal(t, "hunter2", alice.Public),
		"ssh-ed25519": seal(t, "hunter2", key.Public),
	}
	for name, sealed := range tests {
		got, _, err := crypto.Open(sealed, mallory)
		if !errors.Is(err, crypto.ErrNoMatch) {
			t.Errorf("%s: Open with someone else's identity = %q, %v; want ErrNoMatch", name, got, err)
		}
		if errors.Is(err, crypto.ErrTampered) {
			t.Errorf("%s: a value for someone else is reported as tampered", name)
		}
	}
}

func TestOpenTampered(t *testing.T) {
	t.Parallel()
	gen, id := agetest.X25519(t)
	sealed := seal(t, strings.Repeat("long enough value to span more than one armor line ", 3), gen.Public)
	lines := strings.Split(strings.TrimSuffix(sealed, "\n"), "\n")
	if len(lines) < 5 {
		t.Fatalf("want a few body lines, got:\n%s", sealed)
	}
	// flip changes one base64 character of a body line into another valid
	// one, so that the armor still decodes and age itself must notice.
	flip := func(line, col int) string {
		ls := append([]string(nil), lines...)
		b := []byte(ls[line])
		if b[col] == 'A' {
			b[col] = 'B'
		} else {
			b[col] = 'A'
		}
		ls[line] = string(b)
		return strings.Join(ls, "\n") + "\n"
	}
	last := len(lines) - 2 // the last body line, before the footer
	tests := map[string]string{
		"flipped byte in the header":        flip(1, 10),
		"flipped byte in the header MAC":    flip(3, 48),
		"flipped byte in the payload":       flip(last, 0),
		"flipped byte in the payload's end": flip(last-1, 40),
		"invalid base64":                    strings.Replace(sealed, lines[2], "!!!!"+lines[2][4:], 1),
		"truncated: footer missing":         strings.Join(lines[:len(lines)-1], "\n") + "\n",
		"truncated: last body line missing": strings.Join(append(append([]string(nil), lines[:last]...), lines[last+1]), "\n") + "\n",
		"broken header line":                strings.Replace(sealed, "BEGIN AGE", "BEGIN AGF", 1),
		"trailing data":                     sealed + "more\n",
		"not age at all":                    "hunter2",
		"empty":                             "",
		"binary age instead of armor":       "age-encryption.org/v1\n",
		"another armored type":              "-----BEGIN PGP MESSAGE-----\nAAAA\n-----END PGP MESSAGE-----\n",
		"body lines swapped":                strings.Join(append(append([]string{lines[0], lines[2], lines[1]}, lines[3:len(lines)-1]...), lines[len(lines)-1]), "\n") + "\n",
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, _, err := crypto.Open(v, id)
			if !errors.Is(err, crypto.ErrTampered) {
				t.Fatalf("Open = %q, %v; want ErrTampered", got, err)
			}
			if got != nil {
				t.Errorf("Open returned %d bytes along with the error", len(got))
			}
		})
	}
}

func TestOpenDamagedRecipientStanza(t *testing.T) {
	t.Parallel()
	// A damaged X25519 stanza may not be told apart from one sealed to
	// someone else (that is how age works): it must fail either way, and
	// never with a value.
	gen, id := agetest.X25519(t)
	for range 20 {
		sealed := seal(t, "hunter2", gen.Public)
		lines := strings.Split(sealed, "\n")
		b := []byte(lines[2])
		b[30] ^= 'A' ^ 'B'
		lines[2] = string(b)
		got, _, err := crypto.Open(strings.Join(lines, "\n"), id)
		if !errors.Is(err, crypto.ErrNoMatch) && !errors.Is(err, crypto.ErrTampered) || got != nil {
			t.Fatalf("Open = %q, %v; want ErrNoMatch or ErrTampered", got, err)
		}
	}
}

func TestOpenRefusesOversizedValue(t *testing.T) {
	t.Parallel()
	// Another age client may have sealed more than cabinet would.
	gen, id := agetest.X25519(t)
	r, err := age.ParseX25519Recipient(gen.Public)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, io.LimitReader(zeros{}, crypto.MaxValueSize+1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	got, _, err := crypto.Open(buf.String(), id)
	if err == nil || !strings.Contains(err.Error(), "1 MiB") || got != nil {
		t.Errorf("Open of a %d-byte value = %d bytes, %v; want an error naming the limit", crypto.MaxValueSize+1, len(got), err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestParseRecipient(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	key := agetest.NewSSHKey(t, "")
	rsa := "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 bob@host"
	valid := []string{
		gen.Public,
		"  " + gen.Public + "\n",
		key.Public,
		key.Public + " alice@laptop",
		"\t" + key.Public + "\r\n",
	}
	for _, k := range valid {
		r, err := crypto.ParseRecipient(k)
		if err == nil {
			_, err = crypto.Seal([]byte("x"), r, testBinding) // it holds a key to seal to
		}
		if err != nil {
			t.Errorf("ParseRecipient(%q): %v", k, err)
		}
	}

	tests := []struct {
		name, key, wantErr string
	}{
		{"empty", "", "unsupported public key"},
		{"spaces", "   ", "unsupported public key"},
		{"bad age checksum", gen.Public[:len(gen.Public)-1] + flipChar(gen.Public[len(gen.Public)-1]), "invalid age public key"},
		{"truncated age key", gen.Public[:20], "invalid age public key"},
		{"upper-case age key", strings.ToUpper(gen.Public), "unsupported public key"},
		{"bad ssh-ed25519 body", "ssh-ed25519 not-base64", "invalid ssh-ed25519 public key"},
		{"ssh-ed25519 without body", "ssh-ed25519 ", "unsupported public key"},
		{"ssh-rsa", rsa, "unsupported public key: want an age key (age1…) or an ssh-ed25519 key"},
		{"ecdsa", "ecdsa-sha2-nistp256 AAAAE2VjZHNh", "unsupported public key"},
		{"private key by mistake", genSecret(t), "unsupported public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := crypto.ParseRecipient(tt.key)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseRecipient(%q) = %v, %v; want %q", tt.key, r, err, tt.wantErr)
			}
			if strings.HasPrefix(tt.key, "AGE-SECRET-KEY-1") && strings.Contains(err.Error(), tt.key[16:]) {
				t.Errorf("the error quotes the private key: %v", err)
			}
		})
	}

	_, err := crypto.ParseRecipients([]string{gen.Public, rsa, key.Public})
	if err == nil || !strings.HasPrefix(err.Error(), "key 2: unsupported public key") {
		t.Errorf("ParseRecipients = %v, want it to name key 2", err)
	}
	rs, err := crypto.ParseRecipients(nil)
	if err != nil {
		t.Fatalf("ParseRecipients(nil): %v", err)
	}
	if _, err := crypto.Seal([]byte("x"), rs, testBinding); err == nil || !strings.Contains(err.Error(), "no recipients") {
		t.Errorf("Seal to ParseRecipients(nil) = %v, want no recipients", err)
	}
}

func genSecret(t *testing.T) string {
	gen, _ := agetest.X25519(t)
	return gen.Secret
}

func flipChar(c byte) string {
	if c == 'q' {
		return "p"
	}
	return "q"
}
