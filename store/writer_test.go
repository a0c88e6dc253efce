package store

import (
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// TestOnlyMembersWrite: every change made as someone who is not a member is
// refused before anything is written, whatever the caller claims to be.
func TestOnlyMembersWrite(t *testing.T) {
	t.Parallel()
	alice, mallory := newMember(t, "alice"), newMember(t, "mallory")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("pw"), day("alice", 0))
	as := day("mallory", 1)
	edit := func(sec *inventory.Secret) error { sec.Owner = "mallory"; return nil }
	writes := map[string]func() error{
		"set": func() error {
			_, _, err := s.SetValue("prod/db/password", []byte("x"), as, nil)
			return err
		},
		"create": func() error { _, err := s.Create("prod/new/one", as, edit); return err },
		"edit":   func() error { _, err := s.Edit("prod/db/password", as, edit); return err },
		"stage":  func() error { _, _, err := s.Stage("prod/db/password", []byte("x"), as); return err },
		"rm":     func() error { return s.Remove("prod/db/password", as) },
		"members add": func() error {
			_, err := s.AddMember("mallory", mallory.Public, []string{"prod/"}, mallory.ID, as)
			return err
		},
		"scopes set": func() error { _, err := s.SetScope("prod/", []string{"alice"}, mallory.ID, as); return err },
		"rekey":      func() error { _, err := s.Reencrypt(mallory.ID, as); return err },
	}
	before := snapshot(t, s.Dir, skipCache)
	for name, write := range writes {
		assertErr(t, write(), ErrNotMember, "mallory", s.Dir)
		assertSameSnapshot(t, before, snapshot(t, s.Dir, skipCache))
		if t.Failed() {
			t.Fatalf("%s as a non-member", name)
		}
	}
}
