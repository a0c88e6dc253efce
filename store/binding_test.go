package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"filippo.io/age/armor"
	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// valueBlocks finds the armored values of a secret file, in file order
// (newest version first).
var valueBlocks = regexp.MustCompile(`(?s)-----BEGIN AGE ENCRYPTED FILE-----.*?-----END AGE ENCRYPTED FILE-----`)

// editFile rewrites a store file as someone with write access (a teammate,
// anyone who can push) might, and returns its old content.
func editFile(t *testing.T, name string, edit func(string) string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(edit(string(data))), 0o600); err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// block returns the i-th armored value of a secret file, indentation and
// all, as it appears in the YAML.
func block(t *testing.T, content string, i int) string {
	t.Helper()
	all := valueBlocks.FindAllString(content, -1)
	if len(all) <= i {
		t.Fatalf("the file has %d values, want at least %d", len(all), i+1)
	}
	return all[i]
}

// assertMisplaced checks that reading path at sel is refused as tampered,
// naming both places, and that no value comes back.
func assertMisplaced(t *testing.T, s *Store, path string, sel inventory.Selector, who member, mentions ...string) {
	t.Helper()
	value, _, err := s.Read(path, sel, who.ID, day(who.Name, 5))
	if value != nil {
		t.Errorf("read %s%s returned a value", path, sel)
	}
	if !errors.Is(err, crypto.ErrTampered) || !errors.Is(err, ErrMisplaced) {
		t.Fatalf("read %s%s: err = %v, want a misplaced value (tampered)", path, sel, err)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not name %q", err, m)
		}
	}
}

// TestSwappedValuesAreRefused: the value blocks of two secrets swapped by
// hand are refused, naming both paths; the right value is never replaced.
func TestSwappedValuesAreRefused(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("prod-pw"), day("alice", 0))
	mustSet(t, s, "dev/db/password", []byte("dev-pw"), day("alice", 0))
	prodFile, devFile := s.secretFile("prod/db/password"), s.secretFile("dev/db/password")
	prodOld := editFile(t, prodFile, func(c string) string { return c })
	devOld := editFile(t, devFile, func(c string) string { return c })
	editFile(t, prodFile, func(c string) string { return strings.Replace(c, block(t, prodOld, 0), block(t, devOld, 0), 1) })
	editFile(t, devFile, func(c string) string { return strings.Replace(c, block(t, devOld, 0), block(t, prodOld, 0), 1) })

	assertMisplaced(t, s, "prod/db/password", inventory.Selector{}, alice, "prod/db/password", "dev/db/password")
	assertMisplaced(t, s, "dev/db/password", inventory.Selector{}, alice, "dev/db/password", "prod/db/password")
	// doctor's check names both files.
	if _, bad, err := s.Stale(); err != nil || len(bad) != 2 || !errors.Is(bad[0].Err, ErrMisplaced) {
		t.Errorf("Stale found bad files %v, %v; want both misplaced", bad, err)
	}
	// Re-encryption refuses to launder the swapped values into bound ones.
	res, err := s.Reencrypt(alice.ID, day("alice", 6))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Reencrypted) != 0 || len(res.Failed) != 2 {
		t.Errorf("rekey of swapped values = %+v, want both failed", res)
	}
	assertMisplaced(t, s, "prod/db/password", inventory.Selector{}, alice, "dev/db/password")
}

// TestSwappedVersionsAreRefused: swapping the values of the current and
// the previous version brings no old value back.
func TestSwappedVersionsAreRefused(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("old-pw"), day("alice", 0))
	mustSet(t, s, "prod/db/password", []byte("new-pw"), day("alice", 1))
	name := s.secretFile("prod/db/password")
	old := editFile(t, name, func(c string) string { return c })
	v2, v1 := block(t, old, 0), block(t, old, 1)
	editFile(t, name, func(c string) string {
		return strings.Replace(strings.Replace(c, v2, "@V2@", 1), v1, v2, 1)
	})
	editFile(t, name, func(c string) string { return strings.Replace(c, "@V2@", v1, 1) })

	assertMisplaced(t, s, "prod/db/password", inventory.Selector{}, alice, "version 2", "prod/db/password version 1")
	assertMisplaced(t, s, "prod/db/password", inventory.Selector{State: inventory.Previous}, alice, "version 1", "version 2")
}

// TestCopiedFileIsRefused: a dev secret's file copied to a prod path, its
// path: field edited to match, is refused.
func TestCopiedFileIsRefused(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("prod-pw"), day("alice", 0))
	mustSet(t, s, "dev/db/password", []byte("dev-pw"), day("alice", 0))
	dev, err := os.ReadFile(s.secretFile("dev/db/password"))
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(dev), "path: dev/db/password", "path: prod/db/password", 1)
	if err := os.WriteFile(s.secretFile("prod/db/password"), []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}
	assertMisplaced(t, s, "prod/db/password", inventory.Selector{}, alice, "prod/db/password", "dev/db/password")
}

// TestUnboundValueIsReadWithWarning: a value sealed before bindings existed
// still reads, with a warning, until rekey binds it.
func TestUnboundValueIsReadWithWarning(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("placeholder"), day("alice", 0))
	putUnbound(t, s, "prod/db/password", "legacy-pw", alice)
	var warnings []string
	s.Warn = func(msg string) { warnings = append(warnings, msg) }

	if value, _ := mustRead(t, s, "prod/db/password", inventory.Selector{}, alice); string(value) != "legacy-pw" {
		t.Errorf("read = %q", value)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "prod/db/password version 1 is not bound") || !strings.Contains(warnings[0], "cabinet rekey") {
		t.Errorf("warnings = %q, want one naming the version and rekey", warnings)
	}
	stale, _, err := s.Stale()
	if err != nil || len(stale) != 1 {
		t.Errorf("Stale = %v, %v; want the unbound secret", stale, err)
	}
	res, err := s.Reencrypt(alice.ID, day("alice", 1))
	if err != nil || len(res.Reencrypted) != 1 {
		t.Fatalf("rekey = %+v, %v; want it bound", res, err)
	}
	warnings = nil
	if value, _ := mustRead(t, s, "prod/db/password", inventory.Selector{}, alice); string(value) != "legacy-pw" || len(warnings) != 0 {
		t.Errorf("after rekey: read = %q, warnings %q", value, warnings)
	}
	if stale, _, _ := s.Stale(); len(stale) != 0 {
		t.Errorf("after rekey Stale = %v", stale)
	}
}

// putUnbound replaces the current value of path with one sealed the way
// cabinet did before bindings: plain age to the member.
func putUnbound(t *testing.T, s *Store, path, value string, to member) {
	t.Helper()
	sealed := sealUnbound(t, value, to)
	sec, err := s.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sec.CurrentVersion().Value = sealed
	data, err := FormatSecret(sec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.secretFile(path), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRemovalIgnoresForgedReaders: bob edits readers: and readers_sum of a
// prod file to look already re-encrypted before he is removed. Removal goes
// by the scopes: the secret is re-encrypted, bob cannot decrypt it, and it
// is marked exposed.
func TestRemovalIgnoresForgedReaders(t *testing.T) {
	t.Parallel()
	m := newMemberStore(t)
	if _, err := m.SetScope("prod/", []string{"alice", "bob"}, m.alice.ID, day("alice", 2)); err != nil {
		t.Fatal(err)
	}
	name := m.secretFile("prod/db/password")
	aliceOnly := readersSum(m.Store, "alice")
	editFile(t, name, func(c string) string {
		c = regexp.MustCompile(`(?m)^readers: .*$`).ReplaceAllString(c, "readers: [alice]")
		return regexp.MustCompile(`(?m)^readers_sum: .*$`).ReplaceAllString(c, "readers_sum: "+aliceOnly)
	})
	sealedBefore := block(t, editFile(t, name, func(c string) string { return c }), 0)

	res, err := m.RemoveMember("bob", m.alice.ID, day("alice", 3))
	if err != nil {
		t.Fatal(err)
	}
	if !contains(res.Reencrypted, "prod/db/password") {
		t.Errorf("removal re-encrypted %v, want prod/db/password among them", res.Reencrypted)
	}
	after, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := crypto.Open(unindent(block(t, string(after), 0)), m.bob.ID); !errors.Is(err, crypto.ErrNoMatch) {
		t.Errorf("bob opening the current value after removal: err = %v, want no match", err)
	}
	if _, _, err := crypto.Open(unindent(sealedBefore), m.bob.ID); err != nil {
		t.Fatalf("the test's premise: bob could read the value before: %v", err)
	}
	sec, err := m.Load("prod/db/password")
	if err != nil {
		t.Fatal(err)
	}
	if len(sec.Exposures) != 1 || sec.Exposures[0].Member != "bob" {
		t.Errorf("exposures = %+v, want bob", sec.Exposures)
	}
	if st := inventory.StatusAt(sec, day("alice", 3).Now, m.Config.Warning); st != inventory.StatusExposed {
		t.Errorf("status = %s, want exposed", st)
	}
}

// TestRemoveUnknownMember: removing someone who is not a member is an
// error, and changes nothing.
func TestRemoveUnknownMember(t *testing.T) {
	t.Parallel()
	m := newMemberStore(t)
	before := snapshot(t, m.Dir)
	_, err := m.RemoveMember("ghost", m.alice.ID, day("alice", 3))
	assertErr(t, err, ErrNotFound, "ghost")
	assertSameSnapshot(t, before, snapshot(t, m.Dir))
}

// readersSum is the readers_sum of a value sealed to the named members, as
// a forger would compute it.
func readersSum(s *Store, names ...string) string {
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s=%s\n", n, strings.TrimSpace(s.Recipients.Members[n]))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// unindent strips the YAML indentation from an armored block.
func unindent(block string) string {
	lines := strings.Split(block, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n")
}

// TestDamagedHeaderIsTampered: a value sealed to exactly its scope, whose
// header was damaged so that no stanza opens, is tampered (exit 5 and the
// hint to restore it), not "ask to be added" (exit 4). Someone outside the
// scope still gets the hint naming the scope's members.
func TestDamagedHeaderIsTampered(t *testing.T) {
	t.Parallel()
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newStore(t, alice)
	addMember(t, s, bob, alice)
	mustSet(t, s, "prod/db/password", []byte("prod-pw"), day("alice", 0))
	sec, err := s.Load("prod/db/password")
	if err != nil {
		t.Fatal(err)
	}
	sec.CurrentVersion().Value = damageStanzaBody(t, sec.CurrentVersion().Value)
	data, err := FormatSecret(sec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.secretFile("prod/db/password"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Read("prod/db/password", inventory.Selector{}, alice.ID, day("alice", 1))
	if !errors.Is(err, crypto.ErrTampered) || errors.Is(err, crypto.ErrNoMatch) || !strings.Contains(inventory.HintOf(err), "restore") {
		t.Errorf("alice reading a damaged header: %v (hint %q), want tampered", err, inventory.HintOf(err))
	}
	_, _, err = s.Read("prod/db/password", inventory.Selector{}, bob.ID, day("bob", 1))
	if !errors.Is(err, crypto.ErrNoMatch) || !strings.Contains(inventory.HintOf(err), "scope * is alice") {
		t.Errorf("bob reading: %v (hint %q), want no match naming scope *", err, inventory.HintOf(err))
	}
}

// damageStanzaBody changes one character of the first X25519 stanza's body
// (the wrapped file key), keeping the header well-formed.
func damageStanzaBody(t *testing.T, armored string) string {
	t.Helper()
	raw, err := io.ReadAll(armor.NewReader(strings.NewReader(armored)))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(raw, []byte("-> X25519 "))
	if i < 0 {
		t.Fatal("no X25519 stanza")
	}
	body := i + bytes.IndexByte(raw[i:], '\n') + 1
	if raw[body] == 'A' {
		raw[body] = 'B'
	} else {
		raw[body] = 'A'
	}
	var out bytes.Buffer
	w := armor.NewWriter(&out)
	w.Write(raw)
	w.Close()
	return out.String()
}
