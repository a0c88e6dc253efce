package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// TestNoPlaintextOnDisk sets distinctive values, reads them, lists, edits,
// re-encrypts, fails to read them, and then looks for them in every file of
// the store (cache, audit log, lock and temporary files included) and in
// every error message and hint.
func TestNoPlaintextOnDisk(t *testing.T) {
	alice, bob, carol := newMember(t, "alice"), newMember(t, "bob"), newMember(t, "carol")
	s := newStore(t, alice)
	addMember(t, s, bob, alice)

	canaries := map[string][]string{}
	for i, path := range []string{"prod/db/password", "dev/api/token", "stg/a/b/c"} {
		for v := range 3 {
			c := canary(t)
			canaries[path] = append(canaries[path], c)
			mustSet(t, s, path, []byte(c), day("alice", i+v))
		}
	}
	for path, cs := range canaries {
		for n, c := range cs {
			got, _ := mustRead(t, s, path, inventory.Selector{Number: n + 1}, alice)
			if string(got) != c {
				t.Fatalf("%s#%d = %q, want %q", path, n+1, got, c)
			}
		}
	}
	if _, _, err := s.List(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Edit("prod/db/password", day("alice", 5), func(sec *inventory.Secret) error {
		sec.Description = "edited"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetScope("prod/", []string{"alice", "bob"}, alice.ID, day("alice", 6)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveMember("bob", alice.ID, day("alice", 7)); err != nil {
		t.Fatal(err)
	}

	// Failed operations: someone else's identity, a tampered ciphertext.
	var errs []error
	for path := range canaries {
		_, _, err := s.Read(path, inventory.Selector{}, carol.ID, day("carol", 8))
		if !errors.Is(err, crypto.ErrNoMatch) {
			t.Errorf("carol reading %s: %v, want ErrNoMatch", path, err)
		}
		errs = append(errs, err)
	}
	tamperFile(t, s, "dev/api/token")
	_, _, err := s.Read("dev/api/token", inventory.Selector{}, alice.ID, day("alice", 8))
	if !errors.Is(err, crypto.ErrTampered) {
		t.Errorf("reading a tampered value: %v, want ErrTampered", err)
	}
	errs = append(errs, err)
	_, _, err = s.SetValue("prod/db/password", []byte(strings.Repeat("x", crypto.MaxValueSize)+canaries["prod/db/password"][0]), day("alice", 9), nil)
	errs = append(errs, err)

	for _, cs := range canaries {
		for _, c := range cs {
			assertNowhere(t, s.Dir, c)
			for _, err := range errs {
				if err == nil {
					t.Fatal("an operation that should fail did not")
				}
				if strings.Contains(err.Error(), c) || strings.Contains(inventory.HintOf(err), c) {
					t.Errorf("error %q (hint %q) holds the value", err, inventory.HintOf(err))
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir, cacheFile)); err != nil {
		t.Errorf("the cache was not looked at: %v", err)
	}
}

// tamperFile flips one base64 character near the end of the armor body of
// the current value of path: the payload, whose authentication must fail.
func tamperFile(t *testing.T, s *Store, path string) {
	t.Helper()
	name := s.secretFile(path)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := ParseSecret(data, path, s.Config.Environments)
	if err != nil {
		t.Fatal(err)
	}
	old := sec.CurrentVersion().Value
	bad := tamper(t, old)
	// The armor is written as a YAML block: each line of it appears in the
	// file as is, indented.
	oldLines, badLines := strings.Split(old, "\n"), strings.Split(bad, "\n")
	for i := range oldLines {
		if oldLines[i] != badLines[i] {
			n := strings.Count(string(data), oldLines[i])
			if n != 1 {
				t.Fatalf("line %q occurs %d times in %s", oldLines[i], n, name)
			}
			data = []byte(strings.Replace(string(data), oldLines[i], badLines[i], 1))
		}
	}
	if err := os.WriteFile(name, data, filePerm); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseSecret(data, path, s.Config.Environments); err != nil {
		t.Fatalf("the tampered file no longer parses: %v", err)
	}
}

// tamper changes the 10th base64 character from the end of an armored age
// file: it lies in the payload's authentication tag, and leaves the base64
// valid.
func tamper(t *testing.T, armored string) string {
	t.Helper()
	b := []byte(armored)
	end := strings.Index(armored, "-----END")
	seen := 0
	for i := end - 1; i > 0; i-- {
		c := b[i]
		if c == '\n' || c == '=' {
			continue
		}
		if seen++; seen == 10 {
			if c == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			return string(b)
		}
	}
	t.Fatalf("no armor body in %q", armored)
	return ""
}
