package store

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

func TestCreateRegistersASecretWithoutAValue(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	sec, err := s.Create("prod/partner/token", day("alice", 1), func(sec *inventory.Secret) error {
		sec.Owner = "growth"
		sec.Rotation.Every = inventory.Every{N: 90, Unit: 'd'}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := inventory.StatusAt(sec, t0, s.Config.Warning); got != inventory.StatusNoValue {
		t.Fatalf("status %s", got)
	}
	if stale, _, _ := s.Stale(); len(stale) != 0 {
		t.Fatalf("a created secret is taken for stale: %v", stale)
	}
	// A value set later is sealed to the scope as usual.
	mustSet(t, s, "prod/partner/token", []byte("later"), day("alice", 2))
	if v, _ := mustRead(t, s, "prod/partner/token", inventory.Selector{}, alice); string(v) != "later" {
		t.Fatalf("value %q", v)
	}
	assertAudited(t, s, "alice", `"action":"create","path":"prod/partner/token"`)
}

func TestCreateRefusesAndLosesNothing(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("pw"), day("alice", 0))
	before := snapshot(t, s.Dir, skipAudit, skipCache)
	owner := func(sec *inventory.Secret) error { sec.Owner = "x"; return nil }
	_, err := s.Create("prod/db/password", day("alice", 1), owner)
	assertErr(t, err, ErrExists, "prod/db/password")
	_, err = s.Create("qa/db/password", day("alice", 1), owner)
	assertErr(t, err, inventory.ErrInvalidPath, "qa")
	_, err = s.Create("prod/db/other", day("alice", 1), func(*inventory.Secret) error { return nil })
	assertErr(t, err, nil, "owner")
	assertSameSnapshot(t, before, snapshot(t, s.Dir, skipAudit, skipCache))
}

func TestStageAddsAPendingVersionBesideCurrent(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("old"), day("alice", 0))
	_, v, err := s.Stage("prod/db/password", []byte("new"), day("alice", 1))
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 2 || v.State != inventory.Pending {
		t.Fatalf("staged %+v", v)
	}
	if cur, _ := mustRead(t, s, "prod/db/password", inventory.Selector{}, alice); string(cur) != "old" {
		t.Fatalf("current is %q", cur)
	}
	if p, _ := mustRead(t, s, "prod/db/password", inventory.Selector{State: inventory.Pending}, alice); string(p) != "new" {
		t.Fatalf("pending is %q", p)
	}
	before := snapshot(t, s.Dir, skipAudit, skipCache)
	_, _, err = s.Stage("prod/db/password", []byte("newer"), day("alice", 2))
	assertErr(t, err, inventory.ErrPendingExists, "prod/db/password", "version 2 is pending")
	_, _, err = s.Stage("prod/db/nosuch", []byte("x"), day("alice", 2))
	assertErr(t, err, ErrNotFound, "prod/db/nosuch")
	_, _, err = s.Stage("prod/db/password", nil, day("alice", 2))
	assertErr(t, err, ErrEmptyValue)
	assertSameSnapshot(t, before, snapshot(t, s.Dir, skipAudit, skipCache))
	assertAudited(t, s, "alice", `"action":"stage","path":"prod/db/password","version":2`)
}

func TestRunbooks(t *testing.T) {
	s := newStore(t, newMember(t, "alice"))
	for _, name := range []string{"db-password", "api-token"} {
		if err := os.WriteFile(filepath.Join(s.Dir, "runbooks", name+".yaml"), []byte("name: "+name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	names, err := s.Runbooks()
	if err != nil || !slices.Equal(names, []string{"api-token", "db-password"}) {
		t.Fatalf("Runbooks = %v, %v", names, err)
	}
	if text, err := s.Runbook("db-password"); err != nil || string(text) != "name: db-password\n" {
		t.Fatalf("Runbook = %q, %v", text, err)
	}
	_, err = s.Runbook("nosuch")
	assertErr(t, err, ErrNotFound, "runbooks/nosuch.yaml")
	_, err = s.Runbook("../store")
	assertErr(t, err, ErrBadRunbookName, "../store")
}

func assertAudited(t *testing.T, s *Store, member, want string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.Dir, "audit", member+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), want) {
		t.Fatalf("the audit log lacks %s:\n%s", want, data)
	}
}
