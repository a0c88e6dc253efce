package crypto_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"filippo.io/age/armor"
	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/agetest"
)

var testBinding = crypto.Binding{Path: "prod/db/password", Version: 4, Readers: "0123456789abcdef"}

// TestSealBoundRoundTrip: the binding comes back from the authenticated
// header, with one recipient stanza per reader.
func TestSealBoundRoundTrip(t *testing.T) {
	t.Parallel()
	alice, aliceID := agetest.X25519(t)
	bob, _ := agetest.X25519(t)
	sealed, err := crypto.Seal([]byte("s3cr3t"), recipients(t, alice.Public, bob.Public), testBinding)
	if err != nil {
		t.Fatal(err)
	}
	value, h, err := crypto.Open(sealed, aliceID)
	if err != nil {
		t.Fatal(err)
	}
	if string(value) != "s3cr3t" {
		t.Errorf("value = %q", value)
	}
	if h.Binding == nil || *h.Binding != testBinding {
		t.Errorf("binding = %+v, want %+v", h.Binding, testBinding)
	}
	if h.Recipients != 2 {
		t.Errorf("recipients = %d, want 2", h.Recipients)
	}
	inspected, err := crypto.Inspect(sealed)
	if err != nil || inspected.Binding == nil || *inspected.Binding != testBinding || inspected.Recipients != 2 {
		t.Errorf("Inspect = %+v, %v", inspected, err)
	}
}

// TestUnboundValueHasNoBinding: values sealed before bindings existed read
// as unbound, so the store can warn about them.
func TestUnboundValueHasNoBinding(t *testing.T) {
	t.Parallel()
	alice, id := agetest.X25519(t)
	_, h, err := crypto.Open(agetest.SealUnbound(t, "old", alice.Public), id)
	if err != nil || h.Binding != nil || h.Recipients != 1 {
		t.Errorf("Open(unbound) = %+v, %v", h, err)
	}
}

// TestStockAgeDecryptsBoundValue: the binding stanza is skipped by the stock
// age command, for X25519 and SSH identities alike.
func TestStockAgeDecryptsBoundValue(t *testing.T) {
	t.Parallel()
	ageCLI(t)
	gen, _ := agetest.X25519(t)
	key := agetest.NewSSHKey(t, "")
	value := []byte("p@ss w0rd\nsecond line\n")
	sealed, err := crypto.Seal(value, recipients(t, gen.Public, key.Public), testBinding)
	if err != nil {
		t.Fatal(err)
	}
	for name, identity := range map[string][]byte{"x25519": []byte(gen.Secret + "\n"), "ssh-ed25519": key.PEM} {
		idFile := agetest.WriteFile(t, "identity-"+name, identity)
		if got := runAge(t, sealed, "-d", "-i", idFile); !bytes.Equal(got, value) {
			t.Errorf("%s: age -d gave %q, want %q", name, got, value)
		}
	}
}

// TestEditedBindingIsTampered: changing the binding stanza (to make a value
// pass for another secret's) breaks the header MAC.
func TestEditedBindingIsTampered(t *testing.T) {
	t.Parallel()
	alice, id := agetest.X25519(t)
	sealed, err := crypto.Seal([]byte("prod value"), recipients(t, alice.Public), testBinding)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string][2]string{
		"path":    {"prod/db/password", "dev/db/password"},
		"version": {"prod/db/password 4 ", "prod/db/password 3 "},
		"readers": {"0123456789abcdef", "fedcba9876543210"},
	} {
		forged := rewriteHeader(t, sealed, edit[0], edit[1])
		if _, _, err := crypto.Open(forged, id); !errors.Is(err, crypto.ErrTampered) {
			t.Errorf("%s edited: OpenHeader err = %v, want ErrTampered", name, err)
		}
	}
}

// TestMalformedBindingIsTampered: a header with two bindings cannot say
// where its value belongs.
func TestSealBoundRefusesBadBinding(t *testing.T) {
	t.Parallel()
	alice, _ := agetest.X25519(t)
	for _, b := range []crypto.Binding{
		{Path: "prod/a b", Version: 1, Readers: "x"},
		{Path: "prod/a", Version: 0, Readers: "x"},
		{Path: "prod/a", Version: 1, Readers: ""},
	} {
		if _, err := crypto.Seal([]byte("v"), recipients(t, alice.Public), b); err == nil {
			t.Errorf("SealBound(%+v) succeeded", b)
		}
	}
}

// rewriteHeader replaces old with new in the binary age file behind an
// armored value, as someone editing a file by hand might.
func rewriteHeader(t *testing.T, armored, old, new string) string {
	t.Helper()
	raw, err := io.ReadAll(armor.NewReader(strings.NewReader(armored)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("header does not contain %q", old)
	}
	raw = bytes.Replace(raw, []byte(old), []byte(new), 1)
	var out bytes.Buffer
	w := armor.NewWriter(&out)
	w.Write(raw)
	w.Close()
	return out.String()
}
