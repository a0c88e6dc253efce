package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

type memberStore struct {
	*Store
	alice, bob, carol, dave member
	paths                   []string
}

func newMemberStore(t *testing.T) memberStore {
	t.Helper()
	m := memberStore{alice: newMember(t, "alice"), bob: newMember(t, "bob"), carol: newMember(t, "carol"), dave: newMember(t, "dave")}
	m.Store = newStore(t, m.alice)
	m.paths = []string{"dev/db/password", "prod/api/key", "prod/db/password", "stg/x/y"}
	for _, p := range m.paths {
		mustSet(t, m.Store, p, []byte("1:"+p), day("alice", 0))
	}
	mustSet(t, m.Store, "prod/db/password", []byte("2:prod/db/password"), day("alice", 1))
	addMember(t, m.Store, m.bob, m.alice)
	addMember(t, m.Store, m.carol, m.alice)
	return m
}

// canRead reports whether who can read every version of path, and fails
// the test on any error other than ErrNoMatch.
func (m memberStore) canRead(t *testing.T, path string, who member) bool {
	t.Helper()
	sec, err := m.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	can := 0
	for _, v := range sec.Versions {
		value, got, err := m.Read(path, inventory.Selector{Number: v.Number}, who.ID, day(who.Name, 20))
		switch {
		case err == nil:
			if want := string(rune('0'+v.Number)) + ":" + path; string(value) != want || got.Number != v.Number {
				t.Errorf("%s read %s#%d = %q", who.Name, path, v.Number, value)
			}
			can++
		case errors.Is(err, crypto.ErrNoMatch):
		default:
			t.Fatalf("%s reading %s#%d: %v", who.Name, path, v.Number, err)
		}
	}
	if can != 0 && can != len(sec.Versions) {
		t.Errorf("%s can read %d of the %d versions of %s", who.Name, can, len(sec.Versions), path)
	}
	return can > 0
}

// assertReaders checks who can read which paths: want maps a member to the
// paths they can read; every other (member, path) pair must be refused.
func (m memberStore) assertReaders(t *testing.T, want map[string][]string) {
	t.Helper()
	for _, who := range []member{m.alice, m.bob, m.carol, m.dave} {
		for _, p := range m.paths {
			if got, exp := m.canRead(t, p, who), contains(want[who.Name], p); got != exp {
				t.Errorf("%s can read %s: %v, want %v", who.Name, p, got, exp)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (m memberStore) assertNotStale(t *testing.T) {
	t.Helper()
	stale, bad, err := m.Stale()
	if err != nil || len(stale) != 0 || len(bad) != 0 {
		t.Errorf("Stale() = %v, %v, %v; want nothing", stale, bad, err)
	}
}

func (m memberStore) status(t *testing.T, path string, at Act) inventory.Status {
	t.Helper()
	sec, err := m.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return inventory.StatusAt(sec, at.Now, m.Config.Warning)
}

func TestSetScopeAndRemoveMember(t *testing.T) {
	m := newMemberStore(t)
	all := m.paths
	prod := []string{"prod/api/key", "prod/db/password"}
	m.assertReaders(t, map[string][]string{"alice": all})

	// Bob joins prod/: only prod secrets are re-encrypted.
	files := snapshot(t, m.Dir, skipCache, skipAudit, "recipients.yaml")
	res, err := m.SetScope("prod", []string{"bob", "alice", "bob"}, m.alice.ID, day("alice", 2))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Reencrypted, prod) || len(res.Failed) != 0 || res.Checked != 4 {
		t.Errorf("SetScope = %+v, want prod re-encrypted", res)
	}
	for name, e := range snapshot(t, m.Dir, skipCache, skipAudit, "recipients.yaml") {
		changed := files[name] != e
		if want := strings.HasPrefix(name, "secrets/prod/") && strings.HasSuffix(name, ".yaml"); changed != want {
			t.Errorf("%s changed: %v, want %v", name, changed, want)
		}
	}
	if got := m.Recipients.Scopes["prod/"]; !reflect.DeepEqual(got, []string{"alice", "bob"}) {
		t.Errorf("scope prod/ = %v", got)
	}
	if o, err := Open(m.Dir); err != nil || !reflect.DeepEqual(o.Recipients, m.Recipients) {
		t.Errorf("recipients.yaml holds %+v, %v; the store has %+v", o.Recipients, err, m.Recipients)
	}
	m.assertReaders(t, map[string][]string{"alice": all, "bob": prod})
	m.assertNotStale(t)
	for _, p := range prod {
		if st := m.status(t, p, day("alice", 3)); st == inventory.StatusExposed {
			t.Errorf("%s is exposed after a member was added", p)
		}
	}
	// The same change again has nothing to do.
	if res, err := m.SetScope("prod/", []string{"alice", "bob"}, m.alice.ID, day("alice", 2)); err != nil || len(res.Reencrypted) != 0 {
		t.Errorf("SetScope again = %+v, %v", res, err)
	}

	// Bob leaves: what he could read is re-encrypted and exposed.
	res, err = m.RemoveMember("bob", m.alice.ID, day("alice", 10))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Reencrypted, prod) || len(res.Failed) != 0 {
		t.Errorf("RemoveMember = %+v, want prod re-encrypted", res)
	}
	if _, ok := m.Recipients.Members["bob"]; ok {
		t.Error("bob is still a member")
	}
	if got := m.Recipients.Scopes["prod/"]; !reflect.DeepEqual(got, []string{"alice"}) {
		t.Errorf("scope prod/ = %v", got)
	}
	m.assertReaders(t, map[string][]string{"alice": all})
	m.assertNotStale(t)
	for _, p := range all {
		sec, err := m.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		want := inventory.StatusNoPolicy
		var exposures []inventory.Exposure
		if contains(prod, p) {
			want = inventory.StatusExposed
			exposures = []inventory.Exposure{{Member: "bob", At: day("", 10).Now}}
		}
		if got := inventory.StatusAt(sec, day("", 11).Now, m.Config.Warning); got != want {
			t.Errorf("%s status %s, want %s", p, got, want)
		}
		if !reflect.DeepEqual(sec.Exposures, exposures) {
			t.Errorf("%s exposures %+v, want %+v", p, sec.Exposures, exposures)
		}
		if !reflect.DeepEqual(sec.Readers, []string{"alice"}) {
			t.Errorf("%s readers %v", p, sec.Readers)
		}
	}
	// List shows the exposure too.
	secrets, _, err := m.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, sec := range secrets {
		if got := inventory.StatusAt(&sec, day("", 11).Now, m.Config.Warning); (got == inventory.StatusExposed) != contains(prod, sec.Path) {
			t.Errorf("listed %s status %s", sec.Path, got)
		}
	}
	// A new value answers the exposure.
	mustSet(t, m.Store, "prod/api/key", []byte("2:prod/api/key"), day("alice", 12))
	if st := m.status(t, "prod/api/key", day("alice", 13)); st != inventory.StatusNoPolicy {
		t.Errorf("after a new value: %s, want %s", st, inventory.StatusNoPolicy)
	}
	// Removing someone who is gone is an error that changes nothing.
	before := snapshot(t, m.Dir, skipCache)
	if res, err := m.RemoveMember("bob", m.alice.ID, day("alice", 14)); !errors.Is(err, ErrNotFound) || len(res.Reencrypted) != 0 {
		t.Errorf("RemoveMember again = %+v, %v; want not found", res, err)
	}
	assertSameSnapshot(t, before, snapshot(t, m.Dir, skipCache))
}

// TestMembershipRefusals: changes that would leave a scope empty, name a
// non-member, or reuse a key fail and change nothing, not even the audit
// log.
func TestMembershipRefusals(t *testing.T) {
	m := newMemberStore(t)
	if _, err := m.SetScope("stg/", []string{"carol"}, m.alice.ID, day("alice", 2)); err != nil {
		t.Fatal(err)
	}
	m.assertReaders(t, map[string][]string{"alice": {"dev/db/password", "prod/api/key", "prod/db/password"}, "carol": {"stg/x/y"}})
	before := snapshot(t, m.Dir, skipCache)
	a := day("alice", 3)
	for _, tc := range []struct {
		name     string
		run      func() (RekeyResult, error)
		mentions []string
	}{
		{"remove the only member of stg/", func() (RekeyResult, error) { return m.RemoveMember("carol", m.alice.ID, a) }, []string{"carol", "stg/"}},
		{"remove the only member of *", func() (RekeyResult, error) { return m.RemoveMember("alice", m.alice.ID, a) }, []string{"alice", "*"}},
		{"empty scope", func() (RekeyResult, error) { return m.SetScope("prod/", nil, m.alice.ID, a) }, []string{"prod/"}},
		{"unknown member", func() (RekeyResult, error) { return m.SetScope("prod/", []string{"alice", "mallory"}, m.alice.ID, a) }, []string{"mallory"}},
		{"invalid scope", func() (RekeyResult, error) { return m.SetScope("Prod/", []string{"alice"}, m.alice.ID, a) }, []string{"Prod/"}},
		{"unknown environment", func() (RekeyResult, error) { return m.SetScope("qa/", []string{"alice"}, m.alice.ID, a) }, []string{"qa"}},
		{"remove scope *", func() (RekeyResult, error) { return m.RemoveScope("*", m.alice.ID, a) }, []string{"*"}},
		{"key taken", func() (RekeyResult, error) { return m.AddMember("eve", m.bob.Public, []string{"prod"}, m.alice.ID, a) }, []string{"bob"}},
		{"bad key", func() (RekeyResult, error) { return m.AddMember("eve", "age1nope", nil, m.alice.ID, a) }, []string{"eve"}},
		{"bad member name", func() (RekeyResult, error) { return m.AddMember("Eve", m.dave.Public, nil, m.alice.ID, a) }, []string{"Eve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.run()
			assertErr(t, err, nil, tc.mentions...)
			if len(res.Reencrypted) != 0 {
				t.Errorf("re-encrypted %v", res.Reencrypted)
			}
			assertSameSnapshot(t, before, snapshot(t, m.Dir, skipCache))
		})
	}
	m.assertNotStale(t)
}

// TestAddMemberToNewScope: adding dave to dev/, which has no scope of its
// own yet, gives him dev/ without taking it from its current readers.
func TestAddMemberToNewScope(t *testing.T) {
	m := newMemberStore(t)
	res, err := m.AddMember("dave", m.dave.Public, []string{"dev"}, m.alice.ID, day("alice", 2))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Reencrypted, []string{"dev/db/password"}) {
		t.Errorf("re-encrypted %v", res.Reencrypted)
	}
	m.assertReaders(t, map[string][]string{"alice": m.paths, "dave": {"dev/db/password"}})
	if st := m.status(t, "dev/db/password", day("alice", 3)); st == inventory.StatusExposed {
		t.Error("dev/db/password is exposed, yet nobody lost access")
	}
	m.assertNotStale(t)

	// Dropping the scope hands dev/ back to "*"; dave lost access.
	res, err = m.RemoveScope("dev/", m.alice.ID, day("alice", 4))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Reencrypted, []string{"dev/db/password"}) {
		t.Errorf("re-encrypted %v", res.Reencrypted)
	}
	m.assertReaders(t, map[string][]string{"alice": m.paths})
	if st := m.status(t, "dev/db/password", day("alice", 5)); st != inventory.StatusExposed {
		t.Errorf("dev/db/password is %s after dave lost access, want exposed", st)
	}
	m.assertNotStale(t)
}

// TestStaleAfterScopeEdit: a scope changed in recipients.yaml by hand (or by
// a merge) leaves the secrets stale until Reencrypt brings them in line.
func TestStaleAfterScopeEdit(t *testing.T) {
	m := newMemberStore(t)
	edited := *m.Store
	edited.Recipients.Scopes = map[string][]string{"*": {"alice", "carol"}}
	if err := edited.writeRecipients(); err != nil {
		t.Fatal(err)
	}
	o, err := Open(m.Dir)
	if err != nil {
		t.Fatal(err)
	}
	stale, _, err := o.Stale()
	if err != nil || !reflect.DeepEqual(stale, m.paths) {
		t.Errorf("Stale() = %v, %v; want every secret", stale, err)
	}
	res, err := o.Reencrypt(m.alice.ID, day("alice", 3))
	if err != nil || !reflect.DeepEqual(res.Reencrypted, m.paths) {
		t.Errorf("Reencrypt = %+v, %v", res, err)
	}
	m.Store = o
	m.assertReaders(t, map[string][]string{"alice": m.paths, "carol": m.paths})
	m.assertNotStale(t)
}

// TestWritersSeeOtherHandlesChanges: a long-lived handle on the store (the
// TUI) must not seal values to a member that another cabinet removed since
// the handle was opened: writers act on recipients.yaml as it is when they
// hold the lock.
func TestWritersSeeOtherHandlesChanges(t *testing.T) {
	m := newMemberStore(t)
	if _, err := m.SetScope("*", []string{"alice", "bob"}, m.alice.ID, day("alice", 2)); err != nil {
		t.Fatal(err)
	}
	tui := m.Store // opened before the removal
	other, err := Open(m.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.RemoveMember("bob", m.alice.ID, day("alice", 3)); err != nil {
		t.Fatal(err)
	}

	mustSet(t, tui, "prod/db/password", []byte("3:prod/db/password"), day("alice", 4))
	mustSet(t, tui, "dev/new/secret", []byte("1:dev/new/secret"), day("alice", 4))
	if _, err := tui.Reencrypt(m.alice.ID, day("alice", 5)); err != nil {
		t.Fatal(err)
	}
	m.paths = append(m.paths, "dev/new/secret")
	m.Store = other
	m.assertReaders(t, map[string][]string{"alice": m.paths})
	m.assertNotStale(t)
}

// TestChangeMemberKey: adding a member again with a new key re-encrypts what
// they read, so that the old key no longer opens it.
func TestChangeMemberKey(t *testing.T) {
	m := newMemberStore(t)
	if _, err := m.SetScope("prod/", []string{"alice", "bob"}, m.alice.ID, day("alice", 2)); err != nil {
		t.Fatal(err)
	}
	oldBob := m.bob
	m.bob = newMember(t, "bob")
	res, err := m.AddMember("bob", m.bob.Public, nil, m.alice.ID, day("alice", 3))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Reencrypted, []string{"prod/api/key", "prod/db/password"}) {
		t.Errorf("re-encrypted %v", res.Reencrypted)
	}
	prod := []string{"prod/api/key", "prod/db/password"}
	m.assertReaders(t, map[string][]string{"alice": m.paths, "bob": prod})
	for _, p := range prod {
		if m.canRead(t, p, oldBob) {
			t.Errorf("bob's old key still reads %s", p)
		}
	}
	m.assertNotStale(t)
}

// TestInterruptedRemovalStillExposes: a removal that died after writing
// recipients.yaml (bob is gone from it, the secrets are still sealed to
// him) is finished by re-running it, or by Reencrypt, and the secrets bob
// could read are still marked exposed.
func TestInterruptedRemovalStillExposes(t *testing.T) {
	for _, rerun := range []string{"RemoveMember", "Reencrypt"} {
		t.Run(rerun, func(t *testing.T) {
			m := newMemberStore(t)
			if _, err := m.SetScope("prod/", []string{"alice", "bob"}, m.alice.ID, day("alice", 2)); err != nil {
				t.Fatal(err)
			}
			// What the interrupted RemoveMember("bob") wrote before dying.
			died := *m.Store
			died.Recipients.Members = map[string]string{"alice": m.alice.Public, "carol": m.carol.Public}
			died.Recipients.Scopes = map[string][]string{"*": {"alice"}, "prod/": {"alice"}}
			if err := died.writeRecipients(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(m.Dir)
			if err != nil {
				t.Fatal(err)
			}
			m.Store = s
			prod := []string{"prod/api/key", "prod/db/password"}
			if stale, _, _ := s.Stale(); !reflect.DeepEqual(stale, prod) {
				t.Errorf("Stale() = %v, want %v", stale, prod)
			}
			var res RekeyResult
			if rerun == "RemoveMember" {
				res, err = s.RemoveMember("bob", m.alice.ID, day("alice", 10))
			} else {
				res, err = s.Reencrypt(m.alice.ID, day("alice", 10))
			}
			if err != nil || !reflect.DeepEqual(res.Reencrypted, prod) {
				t.Fatalf("%s = %+v, %v", rerun, res, err)
			}
			m.assertReaders(t, map[string][]string{"alice": m.paths})
			for _, p := range m.paths {
				if got := m.status(t, p, day("alice", 11)); (got == inventory.StatusExposed) != contains(prod, p) {
					t.Errorf("%s is %s", p, got)
				}
			}
			m.assertNotStale(t)
		})
	}
}
