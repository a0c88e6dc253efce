package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// memStore is a Store in memory, for tests of what the screens show of a
// store, where how the store keeps it is not the point: no files, no keys,
// no folder (so no live watch). It lists and loads its secrets and
// runbooks; what would open a value or change the store fails with
// errNotInMemStore, which such a test never reaches.
type memStore struct {
	secrets  []inventory.Secret
	runbooks map[string]string // by name: the file's text
	members  inventory.Recipients
	settings store.Config
	logs     []store.AuditLog
}

var errNotInMemStore = errors.New("not in the in-memory test store")

func (m *memStore) List() ([]inventory.Secret, []store.BadFile, error) {
	return slices.Clone(m.secrets), nil, nil
}

func (m *memStore) Load(path string) (*inventory.Secret, error) {
	for _, sec := range m.secrets {
		if sec.Path == path {
			return &sec, nil
		}
	}
	return nil, fmt.Errorf("secret %s %w", path, store.ErrNotFound)
}

func (m *memStore) Runbooks() ([]string, error) {
	var names []string
	for name := range m.runbooks {
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

func (m *memStore) Runbook(name string) ([]byte, error) {
	text, ok := m.runbooks[name]
	if !ok {
		return nil, fmt.Errorf("unknown runbook %q: %w", name, store.ErrNotFound)
	}
	return []byte(text), nil
}

func (m *memStore) LoadRunbook(name string) (*inventory.Runbook, error) {
	data, err := m.Runbook(name)
	if err != nil {
		return nil, err
	}
	return store.ParseRunbook(data, "runbooks/"+name+".yaml", name)
}

func (m *memStore) Members() inventory.Recipients        { return m.members }
func (m *memStore) Folder() string                       { return "" }
func (m *memStore) Settings() store.Config               { return m.settings }
func (m *memStore) SetWarn(func(msg string))             {}
func (m *memStore) AuditLogs() ([]store.AuditLog, error) { return m.logs, nil }

func (m *memStore) GitState() (store.GitState, bool, error) { return store.GitState{}, false, nil }
func (m *memStore) Resolve(string, int, *crypto.Identity, store.Act) (*inventory.Secret, error) {
	return nil, errNotInMemStore
}
func (m *memStore) Sync(func() *store.SyncKey) (store.SyncResult, error) {
	return store.SyncResult{}, errNotInMemStore
}

func (m *memStore) MemberOf(keys []string) (string, bool) {
	for name, key := range m.members.Members {
		if slices.Contains(keys, key) {
			return name, true
		}
	}
	return "", false
}

func (m *memStore) ValidatePath(path string) error {
	return inventory.ValidatePath(path, m.settings.Environments)
}

func (m *memStore) ReadAs(string, string, inventory.Selector, *crypto.Identity, store.Act) ([]byte, *inventory.Version, error) {
	return nil, nil, errNotInMemStore
}

func (m *memStore) Create(string, store.Act, func(*inventory.Secret) error) (*inventory.Secret, error) {
	return nil, errNotInMemStore
}

func (m *memStore) SetValue(string, []byte, store.Act, func(*inventory.Secret, bool) error) (*inventory.Secret, inventory.Version, error) {
	return nil, inventory.Version{}, errNotInMemStore
}

func (m *memStore) Edit(string, store.Act, func(*inventory.Secret) error) (*inventory.Secret, error) {
	return nil, errNotInMemStore
}

func (m *memStore) Change(string, store.Act, func(*inventory.Secret) (inventory.Event, error)) (*inventory.Secret, error) {
	return nil, errNotInMemStore
}

func (m *memStore) StartRotation(string, []byte, string, store.Act) (*inventory.Secret, error) {
	return nil, errNotInMemStore
}

func (m *memStore) Remove(string, store.Act) error { return errNotInMemStore }

// memSecret is a secret with one current version, created days before
// testNow, rotated every every ("" for no policy).
func memSecret(path, owner, every string, days int) inventory.Secret {
	e, _ := inventory.ParseEvery(every)
	created := testNow.AddDate(0, 0, -days)
	return inventory.Secret{
		Path: path, Owner: owner, Rotation: inventory.Rotation{Every: e},
		Versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: created, Author: "alice"}},
	}
}

// The inventory and a secret's detail show what the store says, its own
// settings included: an environment beyond the default ones (qa) is a
// tab and a valid path, and its warning of 30 days makes a secret due
// that the default 14 would call ok. What the store holds is the point
// here, not how: the workbench runs on memStore.
func TestTheWorkbenchShowsWhatItsStoreSays(t *testing.T) {
	db := memSecret("prod/db/password", "data-platform", "90d", 97)
	db.Rotation.Runbook = "db-password"
	st := &memStore{
		secrets: []inventory.Secret{
			db,
			memSecret("qa/search/api-key", "search", "90d", 70),
			memSecret("dev/api/token", "growth", "", 3),
		},
		runbooks: map[string]string{"db-password": "name: db-password\nsteps:\n  - run: ./rotate-db.sh\n"},
		members: inventory.Recipients{
			Members: map[string]string{"alice": "age1alice", "bob": "age1bob"},
			Scopes:  map[string][]string{inventory.DefaultScope: {"alice"}, "prod": {"bob", "alice"}},
		},
		settings: store.Config{Environments: []string{"dev", "qa", "prod"}, Warning: 30 * 24 * time.Hour},
	}
	h := startHarness(t, 120, 30, st, nil)
	view := h.m.View()
	if got, want := h.shownPaths(), "prod/db/password qa/search/api-key dev/api/token"; got != want {
		t.Fatalf("rows = %s\nwant  %s\n%s", got, want, view)
	}
	for _, want := range []string{"✖ 1 overdue", "▲ 1 due", "✖ overdue 7d", "▲ due in 20d", "○ no policy", "qa 1"} {
		if !strings.Contains(view, want) {
			t.Errorf("the inventory lacks %q:\n%s", want, view)
		}
	}

	h.keys("/")
	h.typeText("search")
	view = h.m.View()
	if got := h.shownPaths(); got != "qa/search/api-key" {
		t.Fatalf("filter search = %q\n%s", got, view)
	}
	if !strings.Contains(view, "1 of 3") || strings.Contains(view, "prod/db/password") {
		t.Errorf("the filtered inventory shows more than the match:\n%s", view)
	}

	h.keys("esc", "enter") // esc keeps the match selected; enter opens it
	view = h.m.View()
	for _, want := range []string{"qa/search/api-key  ▲ due in 20d", "owner        search", "scope        *: alice"} {
		if !strings.Contains(view, want) {
			t.Errorf("the detail of qa/search/api-key lacks %q:\n%s", want, view)
		}
	}

	h.keys("esc", "/")
	h.typeText("prod/db")
	h.keys("enter", "enter") // leave the filter, open the match
	view = h.m.View()
	for _, want := range []string{
		"prod/db/password  ✖ overdue 7d", "owner        data-platform", "scope        prod: alice, bob",
		"runbook db-password (runbooks/db-password.yaml)", "  - run: ./rotate-db.sh",
		"v1       current   2026-08-18 12:00 UTC alice",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the detail of prod/db/password lacks %q:\n%s", want, view)
		}
	}
}
