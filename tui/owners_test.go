package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// ownersStore holds eight secrets of five owners (and one of none), in
// each status the owners view counts: data-platform has one exposed, one
// overdue and one due; payments two overdue; growth one with no policy.
func ownersStore() *memStore {
	exposed := memSecret("stg/kafka/sasl", "data-platform", "90d", 10)
	exposed.Exposures = []inventory.Exposure{{Member: "bob", At: testNow}}
	return &memStore{secrets: []inventory.Secret{
		memSecret("prod/db/password", "data-platform", "90d", 97),
		memSecret("prod/kafka/sasl", "data-platform", "90d", 85),
		exposed,
		memSecret("prod/partner/stripe", "payments", "30d", 40),
		memSecret("stg/partner/stripe", "payments", "30d", 31),
		memSecret("dev/api/token", "growth", "", 3),
		memSecret("stg/s3/key", "analytics", "90d", 1),
		memSecret("dev/misc/note", "", "90d", 1),
	}, settings: store.Config{Warning: inventory.DefaultWarning}}
}

func (h *harness) owners() *ownersScreen { return on[*ownersScreen](h) }

// ownerRows are the owners the view lists, in its order.
func (h *harness) ownerRows() string {
	var names []string
	for _, o := range h.owners().owners {
		names = append(names, o.owner)
	}
	return strings.Join(names, ",")
}

// o lists the owners worst first, with their counts; enter closes the view
// and shows only the owner's secrets, in every environment, saying so in
// the filter line; esc shows every secret again.
func TestOwnersViewFiltersTheInventoryToAnOwner(t *testing.T) {
	h := startHarness(t, 120, 30, ownersStore(), nil)
	h.keys("tab", "d") // an environment and a view, which the owner's filter replaces
	h.keys("o")
	if h.owners() == nil {
		t.Fatalf("o did not open the owners view:\n%s", h.m.View())
	}
	if got, want := h.ownerRows(), "data-platform,payments,growth,,analytics"; got != want {
		t.Fatalf("owners %s, want %s", got, want)
	}
	h.wantOnScreen(
		"Owners · 5 owners, worst first · enter shows an owner's secrets",
		"  OWNER         EXPOSED OVERDUE  DUE NO POLICY  TOTAL",
		"▸ data-platform       1       1    1         0      3",
		"  payments            0       2    0         0      2",
		"  (no owner)          0       0    0         0      1",
		"  all owners          1       3    1         1      8",
		"esc back • enter show the owner's secrets",
	)
	h.keys("j", "enter")
	if h.owners() != nil {
		t.Fatal("enter left the owners view open")
	}
	if got := h.shownPaths(); got != "prod/partner/stripe stg/partner/stripe" {
		t.Fatalf("the inventory shows %s", got)
	}
	h.wantOnScreen("Owner payments · 2 of 8 secrets · esc shows all · o lists the owners", "[all 8]")

	h.keys("/")
	h.typeText("prod")
	h.wantOnScreen("  owner payments · 1 of 8")
	h.keys("enter")
	h.wantOnScreen("/prod  owner payments · 1 of 8 · esc clears the filter")
	h.keys("esc")
	if got := len(h.m.inv.shown); got != 8 {
		t.Fatalf("esc left %d of 8 secrets shown", got)
	}

	h.keys("o", "j", "j", "j", "enter") // the secrets of no owner
	if got := h.shownPaths(); got != "dev/misc/note" {
		t.Fatalf("the secrets of no owner: %s", got)
	}
	h.wantOnScreen("Owner (no owner) · 1 of 8 secrets")
	h.keys("d")
	h.wantOnScreen("Due · owner (no owner) · 0 secrets need rotating")
}

// The view counts the inventory as it is: a reload recounts it, the
// selected owner kept.
func TestOwnersViewFollowsTheInventory(t *testing.T) {
	st := ownersStore()
	h := startHarness(t, 120, 30, st, nil)
	h.keys("o", "j")
	h.loadSecrets(append(st.secrets, memSecret("prod/partner/adyen", "payments", "", 1), memSecret("prod/ml/token", "ml", "30d", 31))...)
	if got, want := h.ownerRows(), "data-platform,payments,ml,growth,,analytics"; got != want {
		t.Fatalf("after a reload: owners %s, want %s", got, want)
	}
	if o := h.owners().selected(); o == nil || o.owner != "payments" {
		t.Fatalf("the reload moved the cursor to %+v", o)
	}
	h.wantOnScreen("▸ payments            0       2    0         1      3")
	h.keys("esc")
	if h.owners() != nil {
		t.Fatal("esc did not close the owners view")
	}
}

// A burst of keys moves one owner each.
func TestOwnersViewTakesABurstOfKeys(t *testing.T) {
	h := startHarness(t, 120, 30, ownersStore(), nil)
	h.keys("o")
	h.burst("jjj")
	if o := h.owners().selected(); o == nil || o.owner != "" {
		t.Fatalf("jjj selected %+v", o)
	}
}

// The owners view, and the inventory filtered to an owner, at 80×24 and
// at the 60×12 minimum.
func TestOwnersGoldenScreens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			h := startHarness(t, size.w, size.h, ownersStore(), nil)
			h.keys("o")
			fitsIn(t, h.m.View(), size.w, size.h)
			t.Run("owners", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("enter")
			fitsIn(t, h.m.View(), size.w, size.h)
			t.Run("inventory-of-an-owner", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
		})
	}
}
