package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// value decrypts the current value of path as the test's alice.
func (h *harness) value(path string) string {
	h.t.Helper()
	v, _, err := h.s.Read(path, inventory.Selector{}, h.id, store.Act{Actor: "test", Now: testNow})
	if err != nil {
		h.t.Fatalf("read %s: %v", path, err)
	}
	return string(v)
}

func (h *harness) load(path string) *inventory.Secret {
	h.t.Helper()
	sec, err := h.s.Load(path)
	if err != nil {
		h.t.Fatal(err)
	}
	return sec
}

// newIdentity makes an age identity, and returns it with its recipient.
func newIdentity(t *testing.T, name string) (*crypto.Identity, string) {
	t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	id, err := crypto.ParseIdentity(g.Secret, name)
	if err != nil {
		t.Fatal(err)
	}
	return id, g.Public
}

// setRunbook gives path the runbook name, as alice.
func (h *harness) setRunbook(path, name string) {
	h.t.Helper()
	if _, err := h.s.Edit(path, store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret) error {
		sec.Rotation.Runbook = name
		return nil
	}); err != nil {
		h.t.Fatal(err)
	}
}

// focused is the label of the field that has the focus.
func (h *harness) focused() string { return h.form().fields[h.form().focus].label }

func TestCreateSecretWithATypedValue(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("n")
	if h.form() == nil || !strings.Contains(h.m.View(), "New secret") {
		t.Fatalf("n did not open the create form:\n%s", h.m.View())
	}
	h.typeText("prod/partner/api-token")
	h.keys("enter")
	h.typeText("growth")
	h.keys("enter", "enter")   // description stays empty
	h.typeText("partner, crm") // tags
	h.keys("enter", "ctrl+u")  // rotate every: replace 90d
	h.typeText("30d")
	h.keys("enter", "right") // runbook: none -> db-password
	h.keys("enter", "right") // value: generate -> type it
	if h.focused() != "Value" {
		t.Fatalf("focus on %q", h.focused())
	}
	h.keys("enter")
	h.typeText("typed s3cret value")
	if view := h.m.View(); strings.Contains(view, "s3cret") || !strings.Contains(view, "••••") {
		t.Fatalf("the typed value is not masked:\n%s", view)
	}
	h.keys("enter") // the last field: saves
	if h.form() != nil {
		t.Fatalf("the form stayed open:\n%s", h.m.View())
	}
	if got := h.value("prod/partner/api-token"); got != "typed s3cret value" {
		t.Fatalf("stored value %q", got)
	}
	sec := h.load("prod/partner/api-token")
	if sec.Owner != "growth" || sec.Rotation.Every.String() != "30d" || sec.Rotation.Runbook != "db-password" || strings.Join(sec.Tags, ",") != "partner,crm" {
		t.Fatalf("metadata %+v", sec)
	}
	if h.detail() == nil || h.detail().sec.Path != "prod/partner/api-token" {
		t.Fatal("the new secret is not opened")
	}
	if view := h.m.View(); !strings.Contains(view, "created prod/partner/api-token, v1 is current") || strings.Contains(view, "s3cret") {
		t.Fatalf("after the save:\n%s", view)
	}
	if !h.m.inv.has("prod/partner/api-token") {
		t.Fatal("the inventory was not reloaded")
	}
}

func TestCreateValidatesAsYouTypeAndLosesNothing(t *testing.T) {
	h := newHarness(t, 120, 30)
	before := snapshotStore(t, h.s.Dir)
	h.keys("n")
	h.typeText("Prod/x")
	if view := h.m.View(); !strings.Contains(view, `✖ invalid secret path "Prod/x": segment 1 "Prod" must start with a lower-case letter`) {
		t.Fatalf("an invalid path shows no error while typing:\n%s", view)
	}
	h.keys("ctrl+u")
	h.typeText("prod/db/password")
	if view := h.m.View(); !strings.Contains(view, "prod/db/password exists already") {
		t.Fatalf("an existing path is not refused in place:\n%s", view)
	}
	h.keys("ctrl+u")
	h.typeText("qa/db/password")
	if view := h.m.View(); !strings.Contains(view, "dev, stg, prod") {
		t.Fatalf("an unknown environment does not name the known ones:\n%s", view)
	}
	h.keys("ctrl+u")
	h.typeText("prod/new/secret")
	h.keys("ctrl+s") // the owner is empty
	if h.form() == nil || h.focused() != "Owner" {
		t.Fatalf("save with no owner: form %v", h.form() != nil)
	}
	if view := h.m.View(); !strings.Contains(view, "an owner is required") {
		t.Fatalf("no owner error in place:\n%s", view)
	}
	h.typeText("team")
	h.keys("down", "down", "down")
	h.keys("ctrl+u")
	h.typeText("ninety days")
	h.keys("ctrl+s")
	if h.focused() != "Rotate every" || !strings.Contains(h.m.View(), "invalid rotation period") {
		t.Fatalf("a bad period was not caught:\n%s", h.m.View())
	}
	h.keys("esc")
	if h.form() == nil || !strings.Contains(h.m.View(), "Close the form and lose your changes?  y/N") {
		t.Fatalf("esc on a form with changes did not ask:\n%s", h.m.View())
	}
	h.keys("n")
	if h.form() == nil || h.m.top() != h.form() || h.form().fields[0].value() != "prod/new/secret" {
		t.Fatal("n to the question did not keep the form as it was")
	}
	h.keys("esc", "y")
	if h.form() != nil {
		t.Fatal("esc, y did not cancel")
	}
	if after := snapshotStore(t, h.s.Dir); after != before {
		t.Fatalf("a cancelled form changed the store:\n%s\n---\n%s", before, after)
	}
}

func TestCreateWithoutAValue(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("n")
	h.typeText("stg/partner/hubspot")
	h.keys("enter")
	h.typeText("growth")
	h.keys("down", "down", "down", "down", "down") // to Value
	h.keys("left")                                 // generate -> none yet
	h.keys("ctrl+s")
	sec := h.load("stg/partner/hubspot")
	if sec.CurrentVersion() != nil || inventory.StatusAt(sec, testNow, h.s.Config.Warning) != inventory.StatusNoValue {
		t.Fatalf("secret %+v", sec)
	}
	if !strings.Contains(h.m.View(), "∅ no value") {
		t.Fatalf("detail:\n%s", h.m.View())
	}
}

func TestEditTheOwner(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("enter", "e")
	if h.form() == nil || !strings.Contains(h.m.View(), "Edit prod/db/password") {
		t.Fatalf("e did not open the edit form:\n%s", h.m.View())
	}
	if !strings.Contains(h.m.View(), "data-platform") {
		t.Fatalf("the form does not show the current owner:\n%s", h.m.View())
	}
	h.keys("ctrl+u")
	h.typeText("warehouse-team")
	h.keys("ctrl+s")
	if got := h.load("prod/db/password").Owner; got != "warehouse-team" {
		t.Fatalf("owner %q", got)
	}
	if got := h.value("prod/db/password"); got != "pw-overdue" {
		t.Fatalf("an edit changed the value to %q", got)
	}
	if view := h.m.View(); !strings.Contains(view, "warehouse-team") || h.form() != nil {
		t.Fatalf("after the edit:\n%s", view)
	}
	if !strings.Contains(h.audit(), `"action":"edit","path":"prod/db/password"`) {
		t.Fatalf("no edit in the audit log:\n%s", h.audit())
	}
}

func TestSetAGeneratedValue(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("enter", "v")
	h.keys("down", "ctrl+u")
	h.typeText("48")
	h.keys("down", "right") // charset: alnum -> alpha
	h.keys("ctrl+s")
	got := h.value("prod/db/password")
	if len(got) != 48 || strings.ContainsAny(got, "0123456789") {
		t.Fatalf("generated %d characters (%q is not alpha)", len(got), "…")
	}
	sec := h.load("prod/db/password")
	if cur := sec.CurrentVersion(); cur.Number != 2 || sec.Versions[1].State != inventory.Previous {
		t.Fatalf("versions %+v", sec.Versions)
	}
	if view := h.m.View(); strings.Contains(view, got) || !strings.Contains(view, "v2 is current") {
		t.Fatalf("after the save:\n%s", view)
	}
}

func TestAFailedSaveStaysInTheForm(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("n")
	h.typeText("prod/race/token")
	h.keys("enter")
	h.typeText("team")
	// A teammate creates the same secret meanwhile.
	if _, _, err := h.s.SetValue("prod/race/token", []byte("theirs"), store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret, _ bool) error {
		sec.Owner = "bob"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.keys("down", "down", "down", "down", "down", "right") // value: type it
	h.keys("down")
	h.typeText("mine")
	h.keys("ctrl+s")
	f := h.form()
	if f == nil || !strings.Contains(h.m.View(), "was created meanwhile") {
		t.Fatalf("the failure is not shown in the form:\n%s", h.m.View())
	}
	if got := h.value("prod/race/token"); got != "theirs" {
		t.Fatalf("their value was overwritten: %q", got)
	}
	secret := f.fields[f.focus]
	if secret.kind != secretField || secret.value() != "mine" {
		t.Fatalf("the typed value was not kept for a retry (focus on %q)", secret.label)
	}
	h.keys("esc", "y")
	if secret.value() != "" {
		t.Fatal("closing the form kept the typed value")
	}
}

func TestNoIdentityNoSave(t *testing.T) {
	h := newHarnessWith(t, 120, 30, func() (*crypto.Identity, error) { return nil, keysource.ErrNoIdentity })
	h.keys("enter", "e", "ctrl+u")
	h.typeText("someone")
	h.keys("ctrl+s")
	if h.form() == nil || !strings.Contains(h.m.View(), "✖ no identity found") {
		t.Fatalf("view:\n%s", h.m.View())
	}
	if got := h.load("prod/db/password").Owner; got != "data-platform" {
		t.Fatalf("owner changed to %q", got)
	}
}

// TestANonMemberCannotSave: an identity that is not a member of the store
// can browse, but a save is refused in the form and changes nothing.
func TestANonMemberCannotSave(t *testing.T) {
	outsider, _ := newIdentity(t, "outsider")
	h := newHarnessWith(t, 120, 30, func() (*crypto.Identity, error) { return outsider, nil })
	h.keys("enter", "e", "ctrl+u")
	h.typeText("someone")
	h.keys("ctrl+s")
	if h.form() == nil || !strings.Contains(h.m.View(), "not a member") {
		t.Fatalf("view:\n%s", h.m.View())
	}
	if got := h.load("prod/db/password").Owner; got != "data-platform" {
		t.Fatalf("owner changed to %q", got)
	}
}

// A form that holds nothing new closes on esc at once.
func TestAnUnchangedFormClosesWithoutAsking(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("enter", "e", "tab", "tab", "esc")
	if h.form() != nil || h.detail() == nil {
		t.Fatalf("esc on an unchanged form:\n%s", h.m.View())
	}
	h.keys("e")
	h.typeText("x")
	h.keys("backspace", "esc") // typed, then undone: nothing changed
	if h.form() != nil {
		t.Fatalf("a form back to its values asked:\n%s", h.m.View())
	}
}

// v on a secret with a runbook says that none of its steps runs, and
// names R.
func TestSetValueOnASecretWithARunbookSaysNoStepRuns(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.setRunbook("prod/db/password", "db-password")
	h.keys("enter", "v")
	if view := h.m.View(); !strings.Contains(view, "rotates with the runbook db-password: a value set here becomes current at once and no runbook step") || !strings.Contains(view, "To rotate with the runbook, esc, then R.") {
		t.Fatalf("the set-value form does not warn:\n%s", view)
	}
	h.keys("esc", "esc", "/")
	h.typeText("kafka")
	h.keys("enter", "enter", "v")
	if strings.Contains(h.m.View(), "no runbook step runs") {
		t.Fatalf("a secret without a runbook is warned:\n%s", h.m.View())
	}
}

// The create form at 80×24 and at the 60×12 minimum: a hint wraps under
// its field, and the fields scroll so that the focused one shows.
func TestFormGoldenScreens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			h := newHarness(t, size.w, size.h)
			h.keys("n")
			t.Run("create", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab")
			if h.focused() != "Characters" || !strings.Contains(h.m.View(), "▸ Characters") {
				t.Fatalf("the focused field (%s) is off screen:\n%s", h.focused(), h.m.View())
			}
			t.Run("create-last-field", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
		})
	}
}
