package tui

import (
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// viewsStore holds a secret in conflict (and exposed), one exposed (and one exposed
// before its last rotation, which is not), and one that is fine.
func viewsStore() *memStore {
	conflicted := secretAged("prod/db/password", 90, 1)
	conflicted.Conflicts = []string{inventory.FieldOwner}
	conflicted.Exposures = []inventory.Exposure{{Member: "bob", At: testNow}} // in conflict first, exposed too
	exposed := secretAged("prod/kafka/sasl", 90, 10)
	exposed.Exposures = []inventory.Exposure{{Member: "bob", At: testNow.AddDate(0, 0, -2)}}
	rotated := secretAged("stg/s3/key", 90, 1)
	rotated.Exposures = []inventory.Exposure{{Member: "bob", At: testNow.AddDate(0, 0, -5)}}
	return &memStore{secrets: []inventory.Secret{conflicted, exposed, rotated, secretAged("dev/api/token", 30, 1)}}
}

// TestConflictsAndExposedViews: c lists the secrets in conflict and e
// those exposed, each saying what settles it; the same key again lists
// everything, and the inventory's line says the views are there.
func TestConflictsAndExposedViews(t *testing.T) {
	h := startHarness(t, 120, 30, viewsStore(), nil)
	if view := h.m.View(); !strings.Contains(view, "c lists the 1 in conflict · e lists the 2 exposed") {
		t.Fatalf("the inventory does not point at the views:\n%s", view)
	}
	h.keys("c")
	if got := h.shownPaths(); got != "prod/db/password" {
		t.Fatalf("conflicts view = %s", got)
	}
	if view := h.m.View(); !strings.Contains(view, "Conflicts · 1 secret two clones changed at once · enter, then s settles one · c shows all") {
		t.Fatalf("the conflicts view does not say what it is:\n%s", view)
	}
	h.keys("e")
	if got := h.shownPaths(); got != "prod/db/password prod/kafka/sasl" {
		t.Fatalf("exposed view = %s", got)
	}
	if view := h.m.View(); !strings.Contains(view, "Exposed · 2 secrets a member who lost access could read · R rotates · e shows all") {
		t.Fatalf("the exposed view does not say what it is:\n%s", view)
	}
	h.keys("e")
	if got := len(h.m.inv.shown); got != 4 {
		t.Fatalf("e again shows %d secrets", got)
	}
	h.keys("?")
	for _, want := range []string{"conflicts view: what two clones changed at once", "exposed view: what a member who lost access could read"} {
		if !strings.Contains(h.m.View(), want) {
			t.Errorf("the help lacks %q", want)
		}
	}
}

// TestAnExposedSecretLeadsToTheRotationWizard: from the exposed view, the
// secret's detail says who lost access and that R rotates it; R opens the
// wizard.
func TestAnExposedSecretLeadsToTheRotationWizard(t *testing.T) {
	h := newHarness(t, 120, 30)
	if _, err := h.s.Edit("prod/kafka/sasl", store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret) error {
		sec.Exposures = append(sec.Exposures, inventory.Exposure{Member: "bob", At: testNow})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+r", "e")
	if got := h.shownPaths(); got != "prod/kafka/sasl" {
		t.Fatalf("exposed view = %s", got)
	}
	h.keys("enter")
	if view := h.m.View(); !strings.Contains(view, "bob lost access on 2026-11-23: rotate this secret   R rotates it") {
		t.Fatalf("the detail does not lead to the rotation:\n%s", view)
	}
	h.keys("R")
	if h.rotate() == nil {
		t.Fatalf("R did not open the wizard:\n%s", h.m.View())
	}
}
