package crypto

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"filippo.io/age"
)

// stanzasTo wraps fileKey to each recipient with age's own code, in order.
func stanzasTo(t *testing.T, fileKey []byte, to ...*age.X25519Recipient) []*age.Stanza {
	t.Helper()
	var all []*age.Stanza
	for _, r := range to {
		s, err := r.Wrap(fileKey)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s...)
	}
	return all
}

// TestX25519KeyUnwrapsAsAgeDoes: the one-multiplication identity opens the
// stanza age wrapped for it, itself (not by handing it to age), to the
// file key age's own identity gets, wherever that stanza stands among
// others' stanzas; and gives age's error where age's identity finds none.
func TestX25519KeyUnwrapsAsAgeDoes(t *testing.T) {
	fileKey := bytes.Repeat([]byte{7}, fileKeySize)
	for i := range 20 {
		k, err := age.GenerateX25519Identity()
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := newX25519Key(k, k.String()).(x25519Key)
		if !ok {
			t.Fatalf("identity %d: newX25519Key fell back to age's identity: its key was not read", i)
		}
		other1, _ := age.GenerateX25519Identity()
		other2, _ := age.GenerateX25519Identity()
		stanzas := stanzasTo(t, fileKey, other1.Recipient(), k.Recipient(), other2.Recipient())
		for j, s := range stanzas {
			got := fast.unwrap(s)
			if mine := j == 1; mine != (got != nil) {
				t.Fatalf("identity %d: stanza %d opened = %v, want %v", i, j, got != nil, mine)
			}
		}
		want, err := k.Unwrap(stanzas)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fast.Unwrap(stanzas)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("identity %d: Unwrap = %x, %v; age's identity gives %x", i, got, err, want)
		}
		_, err = fast.Unwrap([]*age.Stanza{stanzas[0], stanzas[2]})
		if !errors.Is(err, age.ErrIncorrectIdentity) {
			t.Fatalf("identity %d: others' stanzas only: %v, want age.ErrIncorrectIdentity", i, err)
		}
	}
}

// TestX25519KeyRefusesWhatAgeRefuses: a stanza altered in any part is not
// opened by the fast path, and a malformed one gets age's own error.
func TestX25519KeyRefusesWhatAgeRefuses(t *testing.T) {
	k, _ := age.GenerateX25519Identity()
	fast := newX25519Key(k, k.String()).(x25519Key)
	fileKey := bytes.Repeat([]byte{9}, fileKeySize)
	good := stanzasTo(t, fileKey, k.Recipient())[0]
	lowOrder := strings.Repeat("A", 43) // the all-zero point
	for name, s := range map[string]*age.Stanza{
		"body changed":   {Type: "X25519", Args: good.Args, Body: append([]byte{good.Body[0] ^ 1}, good.Body[1:]...)},
		"share changed":  {Type: "X25519", Args: []string{"B" + good.Args[0][1:]}, Body: good.Body},
		"low-order":      {Type: "X25519", Args: []string{lowOrder}, Body: good.Body},
		"other type":     {Type: "scrypt", Args: good.Args, Body: good.Body},
		"two args":       {Type: "X25519", Args: []string{good.Args[0], "x"}, Body: good.Body},
		"short body":     {Type: "X25519", Args: good.Args, Body: good.Body[:20]},
		"padded base64":  {Type: "X25519", Args: []string{good.Args[0] + "="}, Body: good.Body},
		"share too long": {Type: "X25519", Args: []string{good.Args[0] + "AAAA"}, Body: good.Body},
	} {
		if fast.unwrap(s) != nil {
			t.Errorf("%s: the fast path opened it", name)
		}
		_, ageErr := k.Unwrap([]*age.Stanza{s})
		_, err := fast.Unwrap([]*age.Stanza{s})
		if (err == nil) != (ageErr == nil) || errors.Is(err, age.ErrIncorrectIdentity) != errors.Is(ageErr, age.ErrIncorrectIdentity) {
			t.Errorf("%s: Unwrap error %v, age's identity gives %v", name, err, ageErr)
		}
	}
}

// TestParseIdentityUsesOneMultiplication: identities read from text (the
// keyring's, CABINET_IDENTITY, identity files) get the fast path.
func TestParseIdentityUsesOneMultiplication(t *testing.T) {
	g, err := GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	id, err := ParseIdentity("# a comment\n"+g.Secret+"\n", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := id.keys[0].(x25519Key); !ok {
		t.Fatalf("ParseIdentity keeps %T, want the one-multiplication x25519Key", id.keys[0])
	}
}

func BenchmarkOpen(b *testing.B) {
	g, _ := GenerateIdentity()
	id, _ := ParseIdentity(g.Secret, "bench")
	to, _ := ParseRecipients([]string{g.Public})
	sealed, err := Seal([]byte("a value"), to, Binding{Path: "prod/db/password", Version: 1, Readers: "0123456789abcdef"})
	if err != nil {
		b.Fatal(err)
	}
	k, _ := age.ParseX25519Identity(g.Secret)
	for _, bc := range []struct {
		name string
		id   *Identity
	}{{"one-multiplication", id}, {"age", &Identity{keys: []age.Identity{k}, publics: id.publics}}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Open(sealed, bc.id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
