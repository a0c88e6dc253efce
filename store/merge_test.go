package store

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// concurrentSets makes the three versions of a secret file that Git hands
// the merge driver when two clones each set a new value: base has v1 and
// v2, ours and theirs each add a version 3. The store's file is left as
// base.
func concurrentSets(t *testing.T, s *Store, path string) (base, ours, theirs []byte) {
	t.Helper()
	file := s.secretFile(path)
	mustSet(t, s, path, []byte("first"), day("alice", 0))
	mustSet(t, s, path, []byte("second"), day("alice", 1))
	base = readFile(t, file)
	mustSet(t, s, path, []byte("ours-third"), day("alice", 2))
	ours = readFile(t, file)
	writeFile(t, file, base)
	mustSet(t, s, path, []byte("theirs-third"), day("alice", 3))
	theirs = readFile(t, file)
	writeFile(t, file, base)
	return base, ours, theirs
}

// TestMergeFileKeepsBothValues: two clones each set a new value of one
// secret; the merged file keeps both, the later one current and
// renumbered, and both still decrypt, the renumbered one through the
// number it was sealed for.
func TestMergeFileKeepsBothValues(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	base, ours, theirs := concurrentSets(t, s, path)

	res, err := MergeFile("secrets/prod/db/password.yaml", base, ours, theirs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := MergeFile("secrets/prod/db/password.yaml", base, theirs, ours)
	if err != nil || string(back.Data) != string(res.Data) {
		t.Fatalf("the merge depends on its direction (%v):\n%s\n---\n%s", err, res.Data, back.Data)
	}
	if res.Kind != "secret" || res.Path != path || !res.Conflict {
		t.Errorf("result: kind %q, path %q, conflict %v", res.Kind, res.Path, res.Conflict)
	}
	text := string(res.Data)
	// The file a user sees: theirs' value (the later) is version 4, sealed
	// as 3, current; ours' keeps 3, in conflict.
	for _, want := range []string{
		"versions:\n  - version: 4\n    sealed_as: 3\n    state: current\n    created: 2026-03-05T09:00:00Z\n    author: alice\n",
		"  - version: 3\n    state: conflict\n    created: 2026-03-04T09:00:00Z\n",
		"  - version: 2\n    state: previous\n",
		"  - version: 1\n    state: retired\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the merged file lacks\n%s\nit is:\n%s", want, text)
		}
	}
	if strings.Contains(text, "<<<<<<<") || strings.Contains(text, ">>>>>>>") {
		t.Errorf("conflict markers in the merged file:\n%s", text)
	}
	// It is a secret file like any other: read back byte for byte.
	sec, err := ParseSecret(res.Data, path, s.Config.Environments)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := FormatSecret(sec); string(again) != text {
		t.Errorf("the merged file does not round-trip:\n%s\n---\n%s", text, again)
	}

	writeFile(t, s.secretFile(path), res.Data)
	for _, c := range []struct {
		sel  inventory.Selector
		want string
	}{
		{inventory.Selector{}, "theirs-third"},
		{inventory.Selector{Number: 4}, "theirs-third"},
		{inventory.Selector{Number: 3}, "ours-third"},
		{inventory.Selector{State: inventory.Previous}, "second"},
	} {
		if got, _ := mustRead(t, s, path, c.sel, alice); string(got) != c.want {
			t.Errorf("read %s%s = %q, want %q", path, c.sel, got, c.want)
		}
	}
}

// TestRenumberedValueBinding: the binding check accepts a value whose
// binding names its SealedAs, and still refuses a value moved from another
// version or another secret, whatever sealed_as says.
func TestRenumberedValueBinding(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	base, ours, theirs := concurrentSets(t, s, path)
	res, err := MergeFile("", base, ours, theirs) // told by content
	if err != nil {
		t.Fatal(err)
	}
	file := s.secretFile(path)
	writeFile(t, file, res.Data)
	mustRead(t, s, path, inventory.Selector{Number: 4}, alice)

	// Version 1's value put in version 4's place, sealed_as saying 1 is
	// not 3: refused.
	merged := string(res.Data)
	editFile(t, file, func(c string) string {
		return strings.Replace(c, block(t, merged, 0), block(t, merged, 3), 1)
	})
	assertMisplaced(t, s, path, inventory.Selector{Number: 4}, alice, "version 4", path+" version 1")
	// ... nor with sealed_as edited to match: version 1's value claimed as
	// sealed for 1 under number 4 is what a merge never writes, yet it is
	// the same secret; a value from another secret is refused whatever.
	writeFile(t, file, res.Data)
	mustSet(t, s, "prod/db/user", []byte("someone else"), day("alice", 4))
	other := string(readFile(t, s.secretFile("prod/db/user")))
	editFile(t, file, func(c string) string {
		c = strings.Replace(c, block(t, merged, 0), block(t, other, 0), 1)
		return strings.Replace(c, "sealed_as: 3", "sealed_as: 1", 1)
	})
	assertMisplaced(t, s, path, inventory.Selector{Number: 4}, alice, "prod/db/user version 1")

	// The check itself, header by header.
	h := func(p string, n int) crypto.Header {
		return crypto.Header{Binding: &crypto.Binding{Path: p, Version: n, Readers: "x"}, Recipients: 1}
	}
	v := &inventory.Version{Number: 4, SealedAs: 3}
	for _, c := range []struct {
		h    crypto.Header
		v    *inventory.Version
		okay bool
	}{
		{h(path, 3), v, true},
		{h(path, 4), v, true}, // re-sealed since under its number
		{h(path, 2), v, false},
		{h("prod/db/user", 3), v, false},
		{h(path, 3), &inventory.Version{Number: 4}, false},
		{crypto.Header{}, v, true}, // unbound: read with a warning, as before
	} {
		err := checkVersionBinding(path, c.v, c.h)
		if (err == nil) != c.okay || (err != nil && !errors.Is(err, ErrMisplaced)) {
			t.Errorf("binding %v for version %d (sealed as %d): %v", c.h.Binding, c.v.Number, c.v.SealedAs, err)
		}
	}
}

const recipientsBase = `members:
  alice: age1alice
  bob: age1bob
scopes:
  '*': [alice]
  dev/: [alice, bob]
`

func TestMergeFileRecipients(t *testing.T) {
	t.Parallel()
	ours := recipientsBase + "  prod/: [alice]\n"
	theirs := strings.Replace(recipientsBase, "  bob: age1bob\n", "  bob: age1bob\n  carol: age1carol\n", 1)
	theirs = strings.Replace(theirs, "dev/: [alice, bob]", "dev/: [alice, bob, carol]", 1)
	res, err := MergeFile("recipients.yaml", []byte(recipientsBase), []byte(ours), []byte(theirs))
	if err != nil {
		t.Fatal(err)
	}
	want := `members:
  alice: age1alice
  bob: age1bob
  carol: age1carol
scopes:
  '*':
    - alice
  dev/:
    - alice
    - bob
    - carol
  prod/:
    - alice
`
	if string(res.Data) != want {
		t.Errorf("merged recipients.yaml:\n%s\nwant:\n%s", res.Data, want)
	}

	// Two keys for one name: a clash, recorded in a valid file, the merge
	// going through; the same whichever side merges.
	ours = strings.Replace(recipientsBase, "age1bob", "age1bob-ours", 1)
	theirs = strings.Replace(recipientsBase, "age1bob", "age1bob-theirs", 1)
	res, err = MergeFile("recipients.yaml", []byte(recipientsBase), []byte(ours), []byte(theirs))
	if err != nil || !res.Conflict {
		t.Fatalf("a key clash: conflict %v, err %v; want it recorded", res.Conflict, err)
	}
	for _, want := range []string{"bob: age1bob-theirs\n", "conflicts:\n  - 'members: bob has a different key on each side"} {
		if !strings.Contains(string(res.Data), want) {
			t.Errorf("the clash's file lacks %q:\n%s", want, res.Data)
		}
	}
	back, err := MergeFile("recipients.yaml", []byte(recipientsBase), []byte(theirs), []byte(ours))
	if err != nil || string(back.Data) != string(res.Data) {
		t.Errorf("merged the other way: %v\n%s", err, back.Data)
	}
	// A later merge keeps the record until a side settles it.
	again, err := MergeFile("recipients.yaml", res.Data, res.Data, []byte(strings.Replace(string(res.Data), "  carol", "  carol", 1)))
	if err != nil || !strings.Contains(string(again.Data), "conflicts:") {
		t.Errorf("the record did not survive a merge: %v\n%s", err, again.Data)
	}
}

func TestMergeFileAuditLog(t *testing.T) {
	t.Parallel()
	line := func(sec, action, after string) string {
		prev := ""
		if after != "" {
			prev = inventory.ChainHash([]byte(strings.TrimSuffix(after, "\n")))
		}
		return `{"time":"2026-03-02T09:00:0` + sec + `Z","actor":"alice","action":"` + action + `","path":"prod/x","version":1,"outcome":"ok","prev":"` + prev + `"}` + "\n"
	}
	base := line("1", "set", "")
	ours, theirs := base+line("3", "read", base), base+line("2", "read", base)
	res, err := MergeFile("audit/alice.jsonl", []byte(base), []byte(ours), []byte(theirs))
	if err != nil {
		t.Fatal(err)
	}
	// Both sides' lines by time, then the join of the side that does not
	// end the log; the merged log verifies.
	if want := base + line("2", "read", base) + line("3", "read", base); !strings.HasPrefix(string(res.Data), want) ||
		strings.Count(string(res.Data), "\n") != 4 || !strings.Contains(string(res.Data), `"action":"join"`) {
		t.Errorf("merged log:\n%s\nwant:\n%s and a join", res.Data, want)
	}
	if _, check := inventory.CheckLog("alice", res.Data); len(check.Problems) > 0 {
		t.Errorf("the merged log does not verify: %+v", check.Problems)
	}
	if _, err := MergeFile("audit/alice.jsonl", []byte(base), []byte(line("3", "read", "")), []byte(theirs)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a side that lost a line: err = %v, want corrupt", err)
	}
}

func TestMergeFileRefuses(t *testing.T) {
	t.Parallel()
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	base, ours, theirs := concurrentSets(t, s, "prod/db/password")
	for _, c := range []struct {
		name, path         string
		base, ours, theirs []byte
		want               error
		mentions           string
	}{
		{"a truncated side", "secrets/prod/db/password.yaml", base, ours, theirs[:len(theirs)/2], ErrCorrupt, "theirs"},
		{"a damaged ancestor", "secrets/prod/db/password.yaml", []byte("cabinet: 1\npath: prod/db/password\nowner: [\n"), ours, theirs, ErrCorrupt, "common ancestor"},
		{"a file at another path", "secrets/prod/db/user.yaml", base, ours, theirs, ErrCorrupt, "the file says"},
		{"a runbook", "runbooks/db-password.yaml", base, ours, theirs, nil, "not this file"},
		{"no path, no telling", "", []byte("x"), []byte("steps: []\n"), []byte("x"), nil, "cannot tell"},
	} {
		res, err := MergeFile(c.path, c.base, c.ours, c.theirs)
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.mentions) {
			t.Errorf("%s: err = %v, want %v naming %q", c.name, err, c.want, c.mentions)
		}
		if res.Data != nil {
			t.Errorf("%s: a result came back with the error", c.name)
		}
	}
}

// conflictSeed is a secret a merge left in conflict: a value of each side
// (the later renumbered, sealed as 3), fields both changed, and the
// rotation of the value in conflict still on record.
const conflictSeed = `cabinet: 1
path: prod/db/password
owner: sre
conflicts: [owner, rotating]
rotating:
  version: 3
  started: 2026-11-21T10:00:00Z
  by: alice
  next: 1
versions:
  - version: 4
    sealed_as: 3
    state: current
    created: 2026-11-21T11:00:00Z
    author: bob
    value: |
      -----BEGIN AGE ENCRYPTED FILE-----
      YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA2dWNaTEtJbm4zZ2F2RW1p
      -----END AGE ENCRYPTED FILE-----
  - version: 3
    state: conflict
    created: 2026-11-21T10:00:00Z
    author: alice
    value: |
      -----BEGIN AGE ENCRYPTED FILE-----
      YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA2dWNaTEtJbm4zZ2F2RW1p
      -----END AGE ENCRYPTED FILE-----
  - version: 2
    state: previous
    created: 2026-11-20T10:00:00Z
    author: alice
    value: |
      -----BEGIN AGE ENCRYPTED FILE-----
      YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA2dWNaTEtJbm4zZ2F2RW1p
      -----END AGE ENCRYPTED FILE-----
`

// TestConflictFileRoundTrip: a merged file in conflict reads and writes
// back byte for byte, and says it is in conflict.
func TestConflictFileRoundTrip(t *testing.T) {
	t.Parallel()
	sec, err := ParseSecret([]byte(conflictSeed), "prod/db/password", inventory.DefaultEnvironments)
	if err != nil {
		t.Fatal(err)
	}
	if !sec.InConflict() || sec.Versions[0].SealedAs != 3 || sec.Versions[1].State != inventory.Conflicted || len(sec.Conflicts) != 2 {
		t.Errorf("parsed: %+v", sec)
	}
	out, err := FormatSecret(sec)
	if err != nil || string(out) != conflictSeed {
		t.Errorf("does not round-trip (%v):\n%s", err, out)
	}
	for _, bad := range []struct{ from, to, mentions string }{
		{"conflicts: [owner, rotating]", "conflicts: [versions]", "conflicts"},
		{"    sealed_as: 3\n", "    sealed_as: 4\n", "sealed_as"},
		{"    state: conflict\n", "    state: clash\n", "state"},
	} {
		_, err := ParseSecret([]byte(strings.Replace(conflictSeed, bad.from, bad.to, 1)), "prod/db/password", nil)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), bad.mentions) {
			t.Errorf("%q: err = %v, want corrupt naming %s", bad.to, err, bad.mentions)
		}
	}
}
