package tui

import (
	"os"

	"github.com/charmbracelet/x/exp/golden"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

const wizardRunbook = `name: quick
generate: {length: 20, charset: alnum}
steps:
  - name: apply
    run: echo "applying $CABINET_NEW over $CABINET_OLD"
  - name: promote
  - name: overlap
    wait: 50ms
  - name: revoke
    confirm: "Old one revoked?"
rollback:
  - name: restore
    run: echo "restoring $CABINET_OLD"
`

// wizardHarness opens the rotation wizard of prod/db/password, whose
// runbook is text.
func wizardHarness(t *testing.T, text string) *harness {
	h := newHarness(t, 120, 40)
	h.m.deps.environ = []string{"PATH=" + os.Getenv("PATH")}
	if err := os.WriteFile(filepath.Join(h.s.Dir, "runbooks", "quick.yaml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.Edit("prod/db/password", store.Act{Actor: "alice", Now: testNow}, func(sec *inventory.Secret) error {
		sec.Rotation.Runbook = "quick"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.keys("enter", "R")
	if h.rotate() == nil || h.rotate().phase != phasePlan {
		t.Fatalf("R did not open the wizard:\n%s", h.m.View())
	}
	return h
}

func TestTheWizardRotatesStepByStep(t *testing.T) {
	h := wizardHarness(t, wizardRunbook)
	view := h.m.View()
	for _, want := range []string{"Rotate prod/db/password  ·  runbook quick", "· 1. apply  [run]", "· 2. promote  [pending → current]", "· 3. overlap  [wait 50ms]", "· 4. revoke  [confirm]", "rollback: restore", "enter start"} {
		if !strings.Contains(view, want) {
			t.Errorf("the plan lacks %q:\n%s", want, view)
		}
	}
	t.Run("golden plan", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
	h.keys("enter")
	view = h.m.View()
	t.Run("golden asking", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
	if h.rotate().phase != phaseAsking || !strings.Contains(view, "? Old one revoked?") || !strings.Contains(view, "y yes, done") {
		t.Fatalf("not asking:\n%s", view)
	}
	for _, want := range []string{"✓ 1. apply", "✓ 2. promote", "✓ 3. overlap", "› 4. revoke", "applying *** over ***"} {
		if !strings.Contains(view, want) {
			t.Errorf("while asking, the view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "pw-overdue") {
		t.Fatal("the old value is on screen")
	}
	h.keys("q") // a step waits: q does not quit
	if !strings.Contains(h.m.View(), "x interrupts it") {
		t.Fatalf("q while rotating:\n%s", h.m.View())
	}
	h.keys("y")
	view = h.m.View()
	if h.rotate().phase != phaseDone || !strings.Contains(view, "rotated prod/db/password: the new value is current") || !strings.Contains(view, "✓ 4. revoke") {
		t.Fatalf("after yes:\n%s", view)
	}
	if got := h.value("prod/db/password"); len(got) != 20 {
		t.Fatalf("current has %d characters", len(got))
	}
	prev, _, err := h.s.Read("prod/db/password", inventory.Selector{State: inventory.Previous}, h.id, store.Act{Actor: "t", Now: testNow})
	if err != nil || string(prev) != "pw-overdue" {
		t.Fatalf("previous: %v", err)
	}
	h.keys("esc")
	if h.rotate() != nil || h.detail() == nil {
		t.Fatal("esc did not go back to the secret")
	}
	if !strings.Contains(h.audit(), `"action":"rotate-finish","path":"prod/db/password"`) {
		t.Fatal("no rotate-finish in the audit log")
	}
}

func TestTheWizardStopsResumesAndRollsBack(t *testing.T) {
	h := wizardHarness(t, wizardRunbook)
	h.keys("enter", "n") // not yet
	if h.rotate().phase != phaseStopped || !strings.Contains(h.m.View(), "a step was not confirmed") {
		t.Fatalf("after no:\n%s", h.m.View())
	}
	h.keys("esc") // leave; the rotation waits in the file
	if st := h.load("prod/db/password"); st.Rotating == nil {
		t.Fatal("the rotation was not kept")
	}
	if view := h.m.View(); !strings.Contains(view, "rotating     v2, started by alice on 2026-11-23 12:00; step 3 overlap: ok   R resumes or rolls it back") {
		t.Fatalf("the secret does not show the rotation:\n%s", view)
	}
	h.keys("esc")
	if !strings.Contains(h.m.View(), "↻ rotating") {
		t.Fatalf("the inventory does not show the rotation:\n%s", h.m.View())
	}
	h.keys("/")
	h.typeText("rotating")
	h.keys("enter", "R")
	if view := h.m.View(); !strings.Contains(view, "enter resume") || !strings.Contains(view, "x roll back") || !strings.Contains(view, "✓ 2. promote") {
		t.Fatalf("a rotation in progress:\n%s", view)
	}
	h.keys("x")
	view := h.m.View()
	if !strings.Contains(view, "rolled back: the new value was discarded and the old one is current") || !strings.Contains(view, "restoring ***") {
		t.Fatalf("after x:\n%s", view)
	}
	if got := h.value("prod/db/password"); got != "pw-overdue" {
		t.Fatal("the old value is not current after the rollback")
	}
}

func TestAFailingStepInTheWizardRollsBack(t *testing.T) {
	h := wizardHarness(t, strings.Replace(wizardRunbook, `run: echo "applying $CABINET_NEW over $CABINET_OLD"`, `run: echo "refused $CABINET_NEW" >&2; exit 4`, 1))
	h.keys("enter")
	view := h.m.View()
	for _, want := range []string{"✖ 1. apply", "step 1 (apply): exit status 4: refused ***", "rolled back", "restoring ***"} {
		if !strings.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, view)
		}
	}
	if got := h.value("prod/db/password"); got != "pw-overdue" {
		t.Fatal("current changed")
	}
}

func TestTheDueViewAndNext(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("d")
	if got := h.shownPaths(); got != "prod/db/password prod/kafka/sasl" {
		t.Fatalf("due view: %s", got)
	}
	if !strings.Contains(h.m.View(), "2 secrets need rotating, most urgent first") {
		t.Fatalf("view:\n%s", h.m.View())
	}
	h.m.deps.environ = []string{"PATH=" + os.Getenv("PATH")}
	h.keys("R")
	if h.rotate() == nil || h.rotate().path != "prod/db/password" {
		t.Fatal("R did not open the most urgent")
	}
	h.keys("enter") // no runbook: one step
	if h.rotate().phase != phaseDone {
		t.Fatalf("one-step rotation:\n%s", h.m.View())
	}
	h.keys("N")
	if h.rotate() == nil || h.rotate().path != "prod/kafka/sasl" {
		t.Fatalf("N did not open the next due secret:\n%s", h.m.View())
	}
	h.keys("esc")
	h.keys("esc", "d")
	if got := len(h.m.inv.shown); got != 5 {
		t.Fatalf("d again shows %d", got)
	}
}

// A rotation that stops before any step reports (it waits for an
// approval at once) can still be rolled back from the wizard.
func TestAStopBeforeAnyStepCanBeRolledBack(t *testing.T) {
	h := wizardHarness(t, "name: quick\nsteps:\n  - name: promote\napprove: bob\n")
	h.keys("enter")
	if h.rotate().phase != phaseStopped || !strings.Contains(h.m.View(), "needs an approval before promote by bob") {
		t.Fatalf("view:\n%s", h.m.View())
	}
	if view := h.m.View(); !strings.Contains(view, "x roll back") || !strings.Contains(view, "enter resume") {
		t.Fatalf("the keys of a stopped rotation are missing:\n%s", view)
	}
	h.keys("x")
	if !strings.Contains(h.m.View(), "rolled back") || h.load("prod/db/password").Rotating != nil {
		t.Fatalf("view:\n%s", h.m.View())
	}
}
