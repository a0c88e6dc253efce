package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// conflictOn gives path two values, "first" and "second", and leaves the
// first in conflict beside the second, as a merge of two clones' sets
// leaves them.
func (h *harness) conflictOn(path string) {
	h.t.Helper()
	for _, v := range []string{"first", "second"} {
		if _, _, err := h.s.SetValue(path, []byte(v), store.Act{Actor: "alice", Now: testNow}, nil); err != nil {
			h.t.Fatal(err)
		}
	}
	if _, err := h.s.Edit(path, store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret) error {
		for i := range sec.Versions {
			if sec.Versions[i].State == inventory.Previous {
				sec.Versions[i].State = inventory.Conflicted
			}
		}
		return nil
	}); err != nil {
		h.t.Fatal(err)
	}
}

// TestSettleAConflictFromTheWorkbench: the detail of a secret in conflict
// says so and s opens the conflict screen: both values side by side,
// masked until revealed (a reveal is audited), enter asks, then keeps the
// chosen one; the secret is settled and its value is the one kept.
func TestSettleAConflictFromTheWorkbench(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.conflictOn("stg/s3/access-key") // v1 pw-ok, v2 first, v3 second
	h.keys("ctrl+r", "c")
	if got := h.shownPaths(); got != "stg/s3/access-key" {
		t.Fatalf("conflicts view = %s", got)
	}
	h.keys("enter")
	if view := h.m.View(); !strings.Contains(view, "two clones made a new value at once (v2 beside the one in use)   s settles it") {
		t.Fatalf("the detail does not say what clashes:\n%s", view)
	}
	h.keys("s")
	view := h.m.View()
	for _, want := range []string{"Conflict: stg/s3/access-key", "▸ v3 · current", "  v2 · conflict", "author   alice", "created  2026-11-23 12:00 UTC", "value    ••••••••"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the conflict screen lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "first") || strings.Contains(view, "second") {
		t.Fatalf("a value shows before it is revealed:\n%s", view)
	}
	h.keys("l", "r")
	if view := h.m.View(); !strings.Contains(view, "▸ v2 · conflict") || !strings.Contains(view, "value    first") || strings.Contains(view, "second") {
		t.Fatalf("r did not reveal v2 alone:\n%s", view)
	}
	if !strings.Contains(h.audit(), `"action":"reveal","path":"stg/s3/access-key","version":2`) {
		t.Fatalf("the reveal is not in the audit log:\n%s", h.audit())
	}
	h.fire(revealFor)
	if strings.Contains(h.m.View(), "first") {
		t.Fatalf("the value did not hide after %s", revealFor)
	}
	h.keys("enter")
	if view := h.m.View(); !strings.Contains(view, "Keep v2 of stg/s3/access-key? The other values in conflict are retired") {
		t.Fatalf("enter does not ask first:\n%s", view)
	}
	h.keys("y")
	if got := h.footer(); !strings.Contains(got, "settled stg/s3/access-key: kept the value of v2") {
		t.Fatalf("footer %q", got)
	}
	if on[*conflictScreen](h) != nil || h.detail() == nil {
		t.Fatal("the conflict screen did not close onto the detail")
	}
	if sec := h.load("stg/s3/access-key"); sec.InConflict() {
		t.Fatalf("still in conflict: %+v", sec.Versions)
	}
	if got := h.value("stg/s3/access-key"); got != "first" {
		t.Fatalf("the value in use is %q", got)
	}
	if strings.Contains(h.m.View(), "s settles it") {
		t.Fatalf("the detail still says it is in conflict:\n%s", h.m.View())
	}
}

// TestAcceptTheMergedFields: a secret whose only conflict is a field shows
// the value the merge kept, and enter, after asking, accepts it.
func TestAcceptTheMergedFields(t *testing.T) {
	h := newHarness(t, 120, 30)
	if _, err := h.s.Edit("dev/api/token", store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret) error {
		sec.Conflicts = []string{inventory.FieldOwner}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.openSecret("dev/api/token")
	if view := h.m.View(); !strings.Contains(view, "two clones changed its owner at once   s settles it") {
		t.Fatalf("the detail does not say what clashes:\n%s", view)
	}
	h.keys("s")
	view := h.m.View()
	for _, want := range []string{"the merge kept one value of each", "owner             growth", "enter accept the merged fields"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the conflict screen lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "••••") {
		t.Fatalf("a conflict of fields shows values:\n%s", view)
	}
	h.keys("enter")
	if !strings.Contains(h.m.View(), "Accept the fields the merge kept for dev/api/token (owner)?") {
		t.Fatalf("enter does not ask first:\n%s", h.m.View())
	}
	h.keys("y")
	if got := h.footer(); !strings.Contains(got, "settled dev/api/token: accepted the merged fields") {
		t.Fatalf("footer %q", got)
	}
	if sec := h.load("dev/api/token"); sec.InConflict() || sec.Owner != "growth" {
		t.Fatalf("after accepting: conflicts %v, owner %q", sec.Conflicts, sec.Owner)
	}
}

// TestAReloadWhileSettlingWaitsForTheAnswer: the live watch sees the
// resolve's own write and reloads before the resolve has answered; the
// screen must not take the secret for settled elsewhere and close, which
// would leave the resolve's answer to no one.
func TestAReloadWhileSettlingWaitsForTheAnswer(t *testing.T) {
	h := newHarness(t, 120, 30)
	const path = "stg/s3/access-key"
	h.conflictOn(path)
	h.openSecret(path)
	h.keys("s")
	s := on[*conflictScreen](h)
	if s == nil {
		t.Fatal("no conflict screen")
	}
	answer := s.resolve(2, h.id)() // the resolve has written, not yet answered
	if cmd := s.Update(storeChangedMsg{}); cmd != nil {
		t.Error("a reload was started while the screen settles the secret")
	}
	h.run(func() tea.Msg { return conflictLoadedMsg{s: s, sec: h.load(path)} })
	if on[*conflictScreen](h) == nil {
		t.Fatal("the screen closed on a reload before the resolve answered")
	}
	h.run(func() tea.Msg { return answer })
	if got := h.footer(); !strings.Contains(got, "settled stg/s3/access-key: kept the value of v2") {
		t.Fatalf("footer %q", got)
	}
}
